"""The NLP stage: a spaCy pipeline of registered components, and extraction over its output."""

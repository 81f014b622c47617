"""Workaround for spaCy 3.8 EditTreeLemmatizer: from_disk() does not rebuild
``tree2label``, so a *sourced* trainable_lemmatizer trains every token towards
label 0 when fine-tuned. Registered as an [initialize.after_init] callback for
configs/finetune.cfg (pass ``--code fix_lemmatizer.py``)."""
import spacy


@spacy.registry.callbacks("frontline.rebuild_tree2label.v1")
def make_rebuild():
    def rebuild(nlp):
        for name, proc in nlp.components:
            if hasattr(proc, "tree2label") and hasattr(proc, "cfg"):
                proc.tree2label = {tree: i for i, tree in enumerate(proc.cfg["labels"])}
        return nlp

    return rebuild

"""Normalisers: dates (and, later, actors and places) resolved to canonical values."""

"""Tokenizer adjustments that bring spaCy's English tokenizer closer to UD English EWT
tokenisation (measured on the EWT *train* split only).

The changes are plain regex / special-case edits; spaCy serialises them with the
tokenizer, so the shipped pipeline needs no custom code to load.

  - hyphenated words with a bound prefix stay one token (non-stop, e-mail, anti-war, ...)
  - letter-hyphen-digit is split (F-102 -> F - 102, as in EWT)
  - runs of the same punctuation stay one token (!!!, ??, ***, <<, >>, ===, +++)
  - numbers with two or more hyphens stay one token (713-853-3989, 2004-05-10)
  - abbreviations frequent in EWT train that spaCy splits (Col., Gen., ...) become special cases
  - 7:30PM -> 7:30 PM ; and/or -> and / or

Usage:  python training/tokenizer_rules.py IN_MODEL OUT_MODEL   (or import customize_tokenizer)
"""
from __future__ import annotations

import re
import sys

import spacy
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex

BOUND_PREFIXES = [
    "e", "non", "pre", "anti", "mid", "re", "post", "co", "over", "pro", "multi", "ex",
    "semi", "cross", "neo", "psycho", "socio", "counter", "intra", "un", "sub",
]
PUNCT_RUNS = [r"[!?]{2,}", r"\*{2,}", r"={2,}", r"\+{2,}", r"<{2,}", r">{2,}", r"#{2,}", r"_{2,}"]
ABBREVIATIONS = [
    "Col.", "Gen.", "Sen.", "Rep.", "Gov.", "Lt.", "Sgt.", "Capt.", "Maj.", "Rev.",
    "Prof.", "Dept.", "Corp.", "Inc.", "Ltd.", "Co.", "Jr.", "Sr.", "St.", "Ave.", "approx.",
    "vs.", "Mr.", "Mrs.", "Ms.", "Dr.", "Bros.", "U.S.", "U.K.", "a.m.", "p.m.", "No.", "Jan.",
    "Feb.", "Aug.", "Sept.", "Oct.", "Nov.", "Dec.",
]


def _variants(p: str):
    return {p, p.capitalize(), p.upper()}


def customize_tokenizer(nlp):
    tok = nlp.tokenizer
    infixes = list(nlp.Defaults.infixes)
    new_infixes = []
    for pat in infixes:
        # the letter-hyphen-letter rule: r"(?<=[{a}0-9])(?:{h})(?=[{a}])"
        if "(?:-|–|—|--|---|——|~)" in pat:
            guards = "".join(
                f"(?<!\\b{re.escape(v)})" for p in BOUND_PREFIXES for v in sorted(_variants(p))
            )
            pat = guards + pat
        new_infixes.append(pat)
    new_infixes.append(r"(?<=[A-Za-z])-(?=[0-9])")
    tok.infix_finditer = compile_infix_regex(new_infixes).finditer
    tok.prefix_search = compile_prefix_regex(PUNCT_RUNS + list(nlp.Defaults.prefixes)).search
    tok.suffix_search = compile_suffix_regex(
        PUNCT_RUNS + list(nlp.Defaults.suffixes) + [r"(?<=[0-9])(?:[AaPp][Mm])"]
    ).search
    default_tm = nlp.Defaults.token_match
    extra = re.compile(r"^\d+(?:-\d+){2,}$")
    if default_tm is not None:
        combined = re.compile(f"(?:{default_tm.__self__.pattern})|(?:{extra.pattern})")
    else:
        combined = extra
    tok.token_match = combined.match
    for abbr in ABBREVIATIONS:
        tok.add_special_case(abbr, [{"ORTH": abbr}])
    for a in ("and", "And"):
        tok.add_special_case(f"{a}/or", [{"ORTH": a}, {"ORTH": "/"}, {"ORTH": "or"}])
    return nlp


def main():
    src, dst = sys.argv[1], sys.argv[2]
    nlp = spacy.load(src)
    customize_tokenizer(nlp)
    nlp.to_disk(dst)


if __name__ == "__main__":
    main()

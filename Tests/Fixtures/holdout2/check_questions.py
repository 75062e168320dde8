#!/usr/bin/env python3
"""Sanity checks for the Lore second held-out set, holdout2 (stdlib only).

The first held-out set's checker (Tests/Fixtures/holdout/check_questions.py) run on this folder,
with the word rules and note parser of Tests/Fixtures/devset/check_paraphrases.py:

For every line of questions.tsv:
  * the expected note exists and the expected `## Section` heading exists in it;
  * `paraphrase` questions share NO content stem with the answering section's
    text, the section heading, the note's title(s), any of its `##` headings, or
    its front-matter tags;
  * `keyword` questions share at least one content stem with the answering
    section (heading + body);
  * `natural` questions have no word-overlap rule.
Set-level checks: 32 notes in 6-8 folders (none of the dev set's or the first
held-out set's folders),
150-450 words and 3-6 sections per note, exactly 24 questions of each kind,
every note targeted 1-3 times.
Prints only the counts by kind when everything is fine; otherwise prints the
problems and exits with status 1.
"""
import importlib.util
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
HOLDOUT_FOLDERS = set("garden band renovation language bakery running paperwork opensource".split())

# Loaded by its path: its module name is this file's too.
_spec = importlib.util.spec_from_file_location(
    "holdout_check_questions", os.path.join(HERE, "..", "holdout", "check_questions.py"))
holdout = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(holdout)


if __name__ == "__main__":
    sys.exit(holdout.main(HERE, (("the dev set", holdout.DEVSET_FOLDERS),
                                 ("the first held-out set", HOLDOUT_FOLDERS))))

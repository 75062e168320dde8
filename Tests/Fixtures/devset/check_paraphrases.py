#!/usr/bin/env python3
"""Sanity checks for the Lore dev set (stdlib only).

For every line of questions.tsv:
  * the expected note exists and the expected `## Section` heading exists in it;
  * `paraphrase` questions share NO content stem with the answering section's
    text, the section heading, the note's title(s), any of its `##` headings, or
    its front-matter tags;
  * `keyword` questions share at least one content stem with the answering
    section (heading + body).
Also checks set-level constraints (counts, targets per note, note lengths).
Prints only the counts by kind when everything is fine; otherwise prints the
problems and exits with status 1.
"""
import csv
import os
import re
import sys
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
QUESTIONS = os.path.join(HERE, "questions.tsv")

STOP_WORDS = set("""
a about above after again against all am an and any are aren as at be because
been before being below between both but by can couldn could d did didn do does
doesn doing don down during each few for from further had hadn has hasn have
haven having he her here hers herself him himself his how i if in into is isn it
its itself just ll m ma me mightn more most much mustn my myself needn no nor
not now o of off on once only or other our ours ourselves out over own re s
same shan she should shouldn so some such t than that the their theirs them
themselves then there these they this those through to too under until up us
ve very was wasn we were weren what when where which while who whom why will
with won would wouldn y you your yours yourself yourselves many also
""".split())

# Irregular forms that a suffix stripper cannot join.
IRREGULAR = {
    "bought": "buy", "paid": "pay", "went": "go", "gone": "go", "goes": "go",
    "took": "take", "taken": "take", "found": "find", "sold": "sell",
    "got": "get", "gotten": "get", "ran": "run", "made": "make", "gave": "give",
    "given": "give", "left": "leave", "felt": "feel", "kept": "keep",
    "brought": "bring", "thought": "think", "told": "tell", "said": "say",
    "came": "come", "wrote": "write", "written": "write", "met": "meet",
    "sent": "send", "spent": "spend", "lost": "lose", "ate": "eat",
    "eaten": "eat", "drove": "drive", "driven": "drive", "rode": "ride",
    "ridden": "ride", "chose": "choose", "chosen": "choose", "began": "begin",
    "begun": "begin", "knew": "know", "known": "know", "saw": "see",
    "seen": "see", "teeth": "tooth", "children": "child", "men": "man",
    "women": "woman", "feet": "foot", "built": "build", "held": "hold",
    "hung": "hang", "led": "lead", "won": "win", "wore": "wear", "worn": "wear",
    "broke": "break", "broken": "break", "fell": "fall", "fallen": "fall",
    "flew": "fly", "flown": "fly", "grew": "grow", "grown": "grow",
    "heard": "hear", "hid": "hide", "hidden": "hide", "meant": "mean",
    "slept": "sleep", "spoke": "speak", "spoken": "speak", "stood": "stand",
    "taught": "teach", "understood": "understand", "woke": "wake",
}

SUFFIXES = [
    "ational", "ations", "ation", "ements", "ement", "ments", "ment", "ness",
    "ances", "ance", "ences", "ence", "ages", "age", "ities", "ity", "ings", "ing", "ies", "ied", "ers", "er", "est", "ed",
    "es", "ly", "ful", "al", "s", "y", "e",
]
MIN_STEM = 3


def stem(word):
    word = IRREGULAR.get(word, word)
    changed = True
    while changed:
        changed = False
        for suf in SUFFIXES:
            if word.endswith(suf) and len(word) - len(suf) >= MIN_STEM:
                if suf == "s" and word.endswith("ss"):
                    continue
                word = word[: -len(suf)]
                changed = True
                break
        if len(word) >= 4 and word[-1] == word[-2] and word[-1] not in "aeiou":
            word = word[:-1]
            changed = True
    return word


def content_stems(text):
    stems = {}
    for tok in re.findall(r"[^\W_]+", text.lower()):
        if len(tok) < 2 or tok in STOP_WORDS:
            continue
        stems.setdefault(stem(tok), set()).add(tok)
    return stems


def parse_note(path):
    """Return (titles, tags, {heading: section_text}, body_word_count)."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    titles, tags = [], []
    if text.startswith("---\n"):
        end = text.find("\n---", 4)
        if end < 0:
            raise ValueError("unterminated front matter")
        front, text = text[4:end], text[end + 4:]
        for line in front.splitlines():
            key, _, value = line.partition(":")
            value = value.strip()
            if key.strip() == "title":
                titles.append(value.strip("'\""))
            elif key.strip() == "tags":
                tags = [t.strip().strip("'\"") for t in value.strip("[]").split(",") if t.strip()]
    sections, current = {}, None
    for line in text.splitlines():
        if line.startswith("# "):
            titles.append(line[2:].strip())
            current = None
        elif line.startswith("## "):
            current = line[3:].strip()
            if current in sections:
                raise ValueError("duplicate heading %r" % current)
            sections[current] = []
        elif current is not None:
            sections[current].append(line)
    return titles, tags, {h: "\n".join(b) for h, b in sections.items()}, len(text.split())


def read_notes(base):
    """Every .md note under base/notes, parsed, by its path relative to base; and the problems."""
    problems = []
    notes = {}
    for root, _, files in os.walk(os.path.join(base, "notes")):
        for name in files:
            if name.endswith(".md"):
                rel = os.path.relpath(os.path.join(root, name), base).replace(os.sep, "/")
                try:
                    notes[rel] = parse_note(os.path.join(root, name))
                except ValueError as e:
                    problems.append("%s: %s" % (rel, e))
    return notes, problems


def overlap_problem(where, kind, question, expected, note, heading):
    """What breaks the word rule of a `paraphrase` (no content stem shared with the answering
    section, its heading, the note's titles, headings and tags) or a `keyword` question (a stem
    shared with the section); None when it keeps it, and for other kinds."""
    titles, tags, sections, _ = note
    q = content_stems(question)
    if kind == "paraphrase":
        context = "\n".join([sections[heading], heading] + titles + list(sections) + tags)
        shared = sorted(set(q) & set(content_stems(context)))
        if shared:
            return "%s: paraphrase %r shares %s with %s" % (where, question, ", ".join(shared), expected)
    elif kind == "keyword":
        if not set(q) & set(content_stems(heading + "\n" + sections[heading])):
            return "%s: keyword %r shares nothing with %s" % (where, question, expected)
    return None


def main():
    notes, problems = read_notes(HERE)
    if not 32 <= len(notes) <= 36:
        problems.append("expected 32-36 notes, found %d" % len(notes))
    for rel, (titles, _, sections, words) in sorted(notes.items()):
        if not titles:
            problems.append("%s: no title" % rel)
        if not 2 <= len(sections) <= 5:
            problems.append("%s: %d sections (want 2-5)" % (rel, len(sections)))
        if not 150 <= words <= 600:
            problems.append("%s: %d words (want 150-600)" % (rel, words))

    kinds, targets = Counter(), Counter()
    with open(QUESTIONS, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    if not rows or rows[0] != ["kind", "question", "expected"]:
        problems.append("bad header: %r" % (rows[0] if rows else None))
    for lineno, row in enumerate(rows[1:], start=2):
        where = "questions.tsv:%d" % lineno
        if len(row) != 3:
            problems.append("%s: expected 3 columns, got %d" % (where, len(row)))
            continue
        kind, question, expected = row
        if kind not in ("keyword", "paraphrase"):
            problems.append("%s: unknown kind %r" % (where, kind))
            continue
        kinds[kind] += 1
        if not 3 <= len(question.split()) <= 12:
            problems.append("%s: question should be 3-12 words" % where)
        path, sep, heading = expected.partition("#")
        if not sep or not heading:
            problems.append("%s: expected has no #section" % where)
            continue
        if path not in notes:
            problems.append("%s: no such note %s" % (where, path))
            continue
        targets[path] += 1
        if heading not in notes[path][2]:
            problems.append("%s: no heading %r in %s" % (where, heading, path))
            continue
        problem = overlap_problem(where, kind, question, expected, notes[path], heading)
        if problem:
            problems.append(problem)

    total = sum(kinds.values())
    if not 56 <= total <= 64:
        problems.append("expected 56-64 questions, found %d" % total)
    if kinds["paraphrase"] < 30 or kinds["paraphrase"] * 2 < total:
        problems.append("need >= 30 paraphrase questions and at least half, found %d" % kinds["paraphrase"])
    for path, n in sorted(targets.items()):
        if n > 3:
            problems.append("%s is the target of %d questions (max 3)" % (path, n))
    if len(targets) < 25:
        problems.append("only %d notes are targets (want >= 25)" % len(targets))

    if problems:
        for p in problems:
            print("PROBLEM: " + p)
        return 1
    for kind in ("keyword", "paraphrase"):
        print("%s: %d" % (kind, kinds[kind]))
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Peer benchmark: Lore beside tantivy, bm25s and FAISS on the same data.

For each corpus size N the driver runs `lore bench --passages N --json
--results "" --export DIR`, which times Lore and writes the generated texts,
queries and dense vectors into DIR. Each peer then runs in its own subprocess
(so its peak RSS is its own) on exactly those files, one after another:

  tantivy  BM25 over the passage texts, top 10
  bm25s    BM25 (k1 1.2, b 0.75) over the passage texts, top 10
  faiss    IndexFlatIP over the same unit-length latent vectors that Lore's
           dense path scans with BLAS, top 10

and the driver prints a Markdown table (or JSON), writes
benchmarks/results/peers-<date>.json and draws benchmarks/results/peers-latency.png.

Usage: benchmarks/peers/run --passages N[,N2,...] [--queries Q] [--json] [--lore PATH]
"""

from __future__ import annotations

import argparse
import datetime as _dt
import gc
import json
import os
import platform
import re
import resource
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
RESULTS = REPO / "benchmarks" / "results"

WARMUP = 50
TOP_K = 10
BATCH = 64

PEERS = ("tantivy", "bm25s", "faiss")
LORE_SYSTEMS = ("lore_lexical", "lore_dense", "lore_default")
SYSTEMS = LORE_SYSTEMS + PEERS
# (Lore system, peer) pairs whose ratios Lore/peer are reported.
PAIRS = (
    ("lore_lexical", "tantivy"),
    ("lore_lexical", "bm25s"),
    ("lore_dense", "faiss"),
    ("lore_default", "tantivy"),
)


def log(message: str) -> None:
    print(f"peers: {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------
# Shared helpers (used by the workers)
# --------------------------------------------------------------------------

def load_texts(data: Path) -> tuple[list[str], list[str]]:
    """Passage texts (title, a blank line, body) and query texts, in file order."""
    passages = []
    with open(data / "corpus.jsonl", encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            title = record.get("title") or ""
            passages.append(f"{title}\n\n{record.get('text') or ''}" if title else record.get("text") or "")
    queries = []
    with open(data / "queries.jsonl", encoding="utf-8") as handle:
        for line in handle:
            queries.append(json.loads(line)["text"])
    return passages, queries


def time_queries(search, queries) -> dict:
    """Times `search(q)` once per query after a warm-up; latencies in ms.

    The garbage collector is off during the timed loop so a collection
    cycle does not land inside one query's time."""
    import numpy as np

    for q in queries[:WARMUP]:
        search(q)
    latencies = np.empty(len(queries), dtype=np.float64)
    gc.collect()
    gc.disable()
    try:
        clock = time.perf_counter
        for i, q in enumerate(queries):
            start = clock()
            search(q)
            latencies[i] = clock() - start
    finally:
        gc.enable()
    latencies *= 1e3
    return {
        "p50_ms": float(np.percentile(latencies, 50)),
        "p95_ms": float(np.percentile(latencies, 95)),
        "p99_ms": float(np.percentile(latencies, 99)),
        "mean_ms": float(latencies.mean()),
        "single_qps": float(1e3 / latencies.mean()),
    }


def peak_rss_bytes() -> int:
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) * 1024  # Linux: KiB


def tree_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


# --------------------------------------------------------------------------
# Workers: each runs in its own process and prints one JSON object
# --------------------------------------------------------------------------

QUERY_SYNTAX = re.compile(r"[^\w\s]+", re.UNICODE)


def worker_tantivy(data: Path, scratch: Path) -> dict:
    import tantivy

    passages, queries = load_texts(data)
    n = len(passages)
    index_dir = scratch / "tantivy-index"
    shutil.rmtree(index_dir, ignore_errors=True)
    index_dir.mkdir(parents=True)

    # The same analysis as Lore and bm25s: split, lowercase, English stop
    # words, Snowball English stems. No positions (no phrase queries here).
    analyzer_name = "lore_like"
    try:
        analyzer = (
            tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
            .filter(tantivy.Filter.remove_long(40))
            .filter(tantivy.Filter.lowercase())
            .filter(tantivy.Filter.stopword("english"))
            .filter(tantivy.Filter.stemmer("english"))
            .build()
        )
    except Exception as error:  # noqa: BLE001 - fall back to the built-in stemming analyzer
        log(f"tantivy: custom analyzer unavailable ({error}); using en_stem")
        analyzer, analyzer_name = None, "en_stem"

    builder = tantivy.SchemaBuilder()
    builder.add_unsigned_field("id", stored=True)
    builder.add_text_field("text", stored=False, tokenizer_name=analyzer_name, index_option="freq")
    schema = builder.build()
    index = tantivy.Index(schema, path=str(index_dir))
    if analyzer is not None:
        index.register_tokenizer(analyzer_name, analyzer)

    start = time.perf_counter()
    writer = index.writer(heap_size=1_000_000_000, num_threads=2)
    for i, text in enumerate(passages):
        writer.add_document(tantivy.Document(id=i, text=text))
    writer.commit()
    writer.wait_merging_threads()
    build_s = time.perf_counter() - start

    index.reload()
    searcher = index.searcher()

    # Queries: query-syntax characters stripped, lower-cased (so AND/OR/NOT
    # are plain words), parsed as a disjunction (OR) of the terms.
    try:
        searcher.search(index.parse_query("x", ["text"]), TOP_K, count=False)
        count_kw = {"count": False}
    except TypeError:
        count_kw = {}
    empty = tantivy.Query.empty_query()

    def search(q: str):
        cleaned = QUERY_SYNTAX.sub(" ", q).lower().strip()
        query = index.parse_query(cleaned, ["text"]) if cleaned else empty
        return searcher.search(query, TOP_K, **count_kw).hits

    timing = time_queries(search, queries)
    tops = []
    for q in queries[:5]:
        tops.append([searcher.doc(address)["id"][0] for _, address in search(q)])
    return {
        **timing,
        "build_s": build_s,
        "build_passages_per_s": n / build_s,
        "index_bytes": tree_bytes(index_dir),
        "segments": searcher.num_segments,
        "settings": f"writer 2 threads, 1 GB heap; analyzer {analyzer_name}; freq-only postings; "
                    f"parse_query OR of terms; count={'False' if count_kw else 'True (unsupported)'}; "
                    f"tantivy {getattr(tantivy, '__version__', '?')}",
        "tops": tops,
    }


def worker_bm25s(data: Path, scratch: Path) -> dict:
    import bm25s
    import numpy as np

    passages, queries = load_texts(data)
    n = len(passages)
    try:
        import Stemmer

        stemmer = Stemmer.Stemmer("english")
        stem_note = "PyStemmer english"
    except Exception:  # noqa: BLE001 - optional
        stemmer, stem_note = None, "no stemmer (PyStemmer missing)"
    try:
        import numba  # noqa: F401

        backend = "numba"
    except Exception:  # noqa: BLE001 - optional
        backend = "numpy"

    start = time.perf_counter()
    corpus_tokens = bm25s.tokenize(passages, stopwords="en", stemmer=stemmer, show_progress=False)
    retriever = bm25s.BM25(k1=1.2, b=0.75, backend=backend)
    retriever.index(corpus_tokens, show_progress=False)
    build_s = time.perf_counter() - start
    del corpus_tokens

    def search(q: str):
        tokens = bm25s.tokenize([q], stopwords="en", stemmer=stemmer, return_ids=False, show_progress=False)
        documents, _ = retriever.retrieve(tokens, k=TOP_K, show_progress=False, n_threads=1)
        return documents[0]

    # The numba backend compiles on first use: keep that out of the build and
    # the timed queries (the warm-up inside time_queries would also cover it).
    search(queries[0])
    timing = time_queries(search, queries)
    tops = [np.asarray(search(q)).astype(int).tolist() for q in queries[:5]]
    return {
        **timing,
        "build_s": build_s,
        "build_passages_per_s": n / build_s,
        "index_bytes": int(sum(np.asarray(retriever.scores[key]).nbytes for key in ("data", "indices", "indptr"))),
        "settings": f"k1 1.2, b 0.75, method lucene; stopwords en; {stem_note}; backend {backend}; "
                    f"one query per retrieve call, n_threads 1; bm25s {getattr(bm25s, '__version__', '?')}",
        "backend": backend,
        "tops": tops,
    }


def worker_faiss(data: Path, scratch: Path) -> dict:
    import faiss
    import numpy as np

    meta = json.loads((data / "vectors.json").read_text())
    n, nq, d = int(meta["passages"]), int(meta["queries"]), int(meta["dims"])
    vectors = np.fromfile(data / "vectors.f32", dtype="<f4").reshape(n, d)
    queries = np.fromfile(data / "query_vectors.f32", dtype="<f4").reshape(nq, d)
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    queries = np.ascontiguousarray(queries, dtype=np.float32)

    faiss.omp_set_num_threads(1)
    start = time.perf_counter()
    index = faiss.IndexFlatIP(d)
    index.add(vectors)
    build_s = time.perf_counter() - start

    rows = [queries[i : i + 1] for i in range(nq)]
    timing = time_queries(lambda q: index.search(q, TOP_K), rows)

    # Sanity: the first 5 queries' top 10 against brute force in numpy.
    mismatches = []
    for i in range(min(5, nq)):
        _, ids = index.search(rows[i], TOP_K)
        scores = vectors @ queries[i]
        best = np.argpartition(-scores, TOP_K)[:TOP_K]
        best = best[np.argsort(-scores[best], kind="stable")]
        if set(ids[0].tolist()) != set(best.tolist()):
            # Equal scores (ties at the 10th place) may pick different ids.
            kth = np.sort(scores[best])[0]
            if not np.allclose(np.sort(scores[ids[0]]), np.sort(scores[best]), atol=1e-5) or kth == 0:
                mismatches.append(i)

    # Batch figure: BLAS from 20 queries on, batches of 64. Two OpenMP
    # threads is the usual advice, but on a 2-core machine faiss's threads
    # and its OpenMP OpenBLAS can contend, so both 1 and 2 threads are timed
    # and the better one is reported (both are kept).
    faiss.cvar.distance_compute_blas_threshold = 20
    batches = [queries[i : i + BATCH] for i in range(0, nq - BATCH + 1, BATCH)] or [queries]
    batch_qps = {}
    for threads in (2, 1):
        faiss.omp_set_num_threads(threads)
        for b in batches[:2]:
            index.search(b, TOP_K)
        done, start = 0, time.perf_counter()
        while True:
            for b in batches:
                index.search(b, TOP_K)
                done += len(b)
            elapsed = time.perf_counter() - start
            if elapsed >= 1.0:
                break
        batch_qps[threads] = done / elapsed
    best_threads = max(batch_qps, key=batch_qps.get)
    norms = np.linalg.norm(vectors[: min(n, 1000)], axis=1)
    return {
        **timing,
        "build_s": build_s,
        "build_passages_per_s": n / build_s,
        "batch64_qps": batch_qps[best_threads],
        "batch64_qps_by_threads": {str(k): v for k, v in sorted(batch_qps.items())},
        "index_bytes": int(vectors.nbytes),
        "dims": d,
        "sanity_mismatched_queries": mismatches,
        "vector_norms_min_max": [float(norms.min()), float(norms.max())],
        "settings": f"IndexFlatIP({d}); single queries with 1 OpenMP thread; batch64 with {best_threads} "
                    f"thread(s) (better of 1 and 2), distance_compute_blas_threshold 20, "
                    f"OMP_WAIT_POLICY {os.environ.get('OMP_WAIT_POLICY', 'unset')}; build = add(); "
                    f"faiss {faiss.__version__}",
    }


WORKERS = {"tantivy": worker_tantivy, "bm25s": worker_bm25s, "faiss": worker_faiss}


def run_worker(name: str, data: Path, scratch: Path, out: Path) -> int:
    try:
        result = WORKERS[name](data, scratch)
        result["peak_rss_bytes"] = peak_rss_bytes()
    except Exception as error:  # noqa: BLE001 - reported to the driver
        import traceback

        traceback.print_exc()
        result = {"error": f"{error.__class__.__name__}: {error}"}
    out.write_text(json.dumps(result))
    return 0 if "error" not in result else 1


# --------------------------------------------------------------------------
# Driver
# --------------------------------------------------------------------------

def lore_binary(path: str | None) -> Path:
    if path:
        binary = Path(path)
        if not binary.exists():
            sys.exit(f"peers: no Lore binary at {binary}")
        return binary.resolve()
    binary = REPO / ".build" / "release" / "lore"
    if not binary.exists():
        log("building Lore (swift build -c release)")
        subprocess.run(["swift", "build", "-c", "release"], cwd=REPO, check=True, stdout=sys.stderr)
    return binary


def run_lore(binary: Path, n: int, queries: int | None, export: Path) -> dict:
    command = [str(binary), "bench", "--passages", str(n), "--json", "--results", "", "--export", str(export)]
    if queries:
        command[4:4] = ["--queries", str(queries)]
    log(f"[{n}] {shlex.join(command)}")
    done = subprocess.run(command, cwd=REPO, stdout=subprocess.PIPE, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"lore bench failed at {n} passages (exit {done.returncode})")
    lines = [line for line in done.stdout.splitlines() if line.strip().startswith("{")]
    return json.loads(lines[-1])


def find_export(export: Path, n: int) -> Path:
    for candidate in (export, export / str(n)):
        if (candidate / "corpus.jsonl").exists() and (candidate / "vectors.json").exists():
            return candidate
    raise RuntimeError(f"lore bench wrote no export in {export}")


def run_peer(name: str, data: Path, scratch: Path) -> dict:
    out = scratch / f"{name}.json"
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", name, "--data", str(data),
               "--scratch", str(scratch), "--out", str(out)]
    log(f"{name}: running on {data}")
    start = time.perf_counter()
    env = dict(os.environ)
    if name == "faiss":
        # Spinning OpenMP workers of faiss and of its OpenBLAS fight over 2 cores.
        env.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    done = subprocess.run(command, stdout=sys.stderr, env=env)
    wall = time.perf_counter() - start
    try:
        result = json.loads(out.read_text())
    except (OSError, json.JSONDecodeError):
        result = {"error": f"worker exited {done.returncode} without a result"}
    if "error" in result:
        log(f"{name}: FAILED: {result['error']}")
    else:
        log(f"{name}: p50 {result['p50_ms']:.3f} ms, p99 {result['p99_ms']:.3f} ms, "
            f"build {result['build_passages_per_s']:.0f} passages/s ({wall:.1f} s in all)")
    return result


def lore_systems(lore: dict) -> dict:
    build = lore.get("build_passages_per_s")
    common = {"build_passages_per_s": build, "peak_rss_bytes": lore.get("peak_rss_bytes"),
              "index_bytes": lore.get("index_bytes")}
    return {
        "lore_lexical": {"p50_ms": lore.get("lexical_p50_ms"), "p99_ms": lore.get("lexical_p99_ms"), **common,
                         "settings": "hashed TF-IDF postings alone, top 10"},
        "lore_dense": {"p50_ms": lore.get("dense_p50_ms"), "p99_ms": lore.get("dense_p99_ms"), **common,
                       "single_qps": lore.get("dense_single_qps"), "batch64_qps": lore.get("dense_batch64_qps"),
                       "settings": f"BLAS sgemv scan of {lore.get('dense_dims')} latent dims, top 10"},
        "lore_default": {"p50_ms": lore.get("p50_ms"), "p95_ms": lore.get("p95_ms"), "p99_ms": lore.get("p99_ms"),
                         **common, "single_qps": lore.get("single_qps"), "batch64_qps": lore.get("batch64_qps"),
                         "settings": "defaults: all layers, top 10"},
    }


def ratio(a, b):
    return a / b if isinstance(a, (int, float)) and isinstance(b, (int, float)) and b else None


def ratios(systems: dict) -> list[dict]:
    rows = []
    for lore, peer in PAIRS:
        x, y = systems.get(lore, {}), systems.get(peer, {})
        rows.append({
            "lore": lore, "peer": peer,
            "p50": ratio(x.get("p50_ms"), y.get("p50_ms")),
            "p99": ratio(x.get("p99_ms"), y.get("p99_ms")),
            "build": ratio(x.get("build_passages_per_s"), y.get("build_passages_per_s")),
        })
    return rows


def fmt(value, spec: str) -> str:
    return "—" if value is None else format(value, spec)


def markdown(runs: list[dict]) -> str:
    out = ["| passages | system | p50 ms | p99 ms | build passages/s | batch-64 q/s | peak RSS MB | index MB |",
           "|---:|---|---:|---:|---:|---:|---:|---:|"]
    for run in runs:
        for name in SYSTEMS:
            s = run["systems"].get(name, {})
            if "error" in s:
                out.append(f"| {run['passages']} | {name} | failed: {s['error']} | | | | | |")
                continue
            rss = s.get("peak_rss_bytes")
            size = s.get("index_bytes")
            out.append(f"| {run['passages']} | {name} | {fmt(s.get('p50_ms'), '.3f')} | {fmt(s.get('p99_ms'), '.3f')} | "
                       f"{fmt(s.get('build_passages_per_s'), ',.0f')} | {fmt(s.get('batch64_qps'), ',.0f')} | "
                       f"{fmt(rss / 1e6 if rss else None, ',.0f')} | {fmt(size / 1e6 if size else None, ',.1f')} |")
    out += ["", "Ratios Lore/peer: latency below 1 means Lore is faster; build above 1 means Lore builds faster.", "",
            "| passages | Lore / peer | p50 | p99 | build passages/s |", "|---:|---|---:|---:|---:|"]
    for run in runs:
        for r in run["ratios"]:
            out.append(f"| {run['passages']} | {r['lore']} / {r['peer']} | {fmt(r['p50'], '.3g')} | "
                       f"{fmt(r['p99'], '.3g')} | {fmt(r['build'], '.3g')} |")
    return "\n".join(out)


def public(system: dict) -> dict:
    """A system's figures for --json: the three required keys first."""
    keys = ("p50_ms", "p99_ms", "build_passages_per_s")
    out = {k: system.get(k) for k in keys}
    out.update({k: v for k, v in system.items() if k not in keys and k != "tops"})
    return out


def machine() -> dict:
    model = None
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpu": model, "cores": os.cpu_count(), "platform": platform.platform(),
            "python": platform.python_version()}


def save(runs: list[dict], argv: list[str]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"peers-{_dt.date.today().isoformat()}.json"
    previous = []
    if path.exists():
        try:
            previous = json.loads(path.read_text()).get("runs", [])
        except (OSError, json.JSONDecodeError):
            previous = []
    sizes = {r["passages"] for r in runs}
    merged = sorted([r for r in previous if r.get("passages") not in sizes] + runs, key=lambda r: r["passages"])
    document = {"date": _dt.date.today().isoformat(), "machine": machine(),
                "command": "benchmarks/peers/run " + " ".join(argv), "warmup": WARMUP, "top_k": TOP_K,
                "runs": merged}
    path.write_text(json.dumps(document, indent=2) + "\n")
    return path


def plot(runs_file: Path) -> Path | None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except Exception as error:  # noqa: BLE001
        log(f"no plot: matplotlib unavailable ({error})")
        return None
    runs = json.loads(runs_file.read_text())["runs"]
    styles = {"lore_lexical": ("tab:blue", "-", "o"), "lore_dense": ("tab:green", "-", "s"),
              "lore_default": ("tab:purple", "-", "D"), "tantivy": ("tab:orange", "--", "o"),
              "bm25s": ("tab:red", "--", "^"), "faiss": ("tab:olive", "--", "s")}
    fig, ax = plt.subplots(figsize=(7.5, 5))
    for name in SYSTEMS:
        points = [(r["passages"], r["systems"].get(name, {}).get("p50_ms")) for r in runs]
        points = [(n, p) for n, p in points if isinstance(p, (int, float)) and p > 0]
        if not points:
            continue
        color, line, marker = styles[name]
        ax.plot([n for n, _ in points], [p for _, p in points], color=color, linestyle=line, marker=marker, label=name)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("passages (N)")
    ax.set_ylabel("p50 latency per query (ms)")
    ax.set_title(f"Single-query p50 latency, top {TOP_K} ({machine()['cores']} cores)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    path = RESULTS / "peers-latency.png"
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="Lore beside tantivy, bm25s and FAISS on Lore's generated corpora.")
    parser.add_argument("--passages", help="corpus sizes, comma-separated (e.g. 10000,100000)")
    parser.add_argument("--queries", type=int, help="queries per size (Lore's default: 1000)")
    parser.add_argument("--json", action="store_true", help="print JSON keyed by system instead of tables")
    parser.add_argument("--lore", help="path to the lore binary (default: .build/release/lore, built if missing)")
    parser.add_argument("--keep", action="store_true", help="keep the exported data and peer indexes (path on stderr)")
    parser.add_argument("--only", help="run only these peers, comma-separated (default: all)")
    parser.add_argument("--no-save", action="store_true", help="write no results file and no plot")
    parser.add_argument("--worker", choices=sorted(WORKERS), help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    parser.add_argument("--scratch", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker:
        return run_worker(args.worker, Path(args.data), Path(args.scratch), Path(args.out))
    if not args.passages:
        parser.error("--passages is required")
    try:
        sizes = [int(s) for s in args.passages.split(",") if s.strip()]
    except ValueError:
        parser.error(f"--passages takes comma-separated integers: got {args.passages}")
    peers = PEERS if not args.only else tuple(p for p in PEERS if p in args.only.split(","))

    binary = lore_binary(args.lore)
    runs = []
    root = Path(tempfile.mkdtemp(prefix="lore-peers-"))
    try:
        for n in sizes:
            scratch = root / str(n)
            scratch.mkdir(parents=True)
            lore = run_lore(binary, n, args.queries, scratch / "export")
            data = find_export(scratch / "export", n)
            meta = json.loads((data / "vectors.json").read_text())
            systems = lore_systems(lore)
            for name in peers:
                systems[name] = run_peer(name, data, scratch)
            checks = {}
            faiss_result = systems.get("faiss", {})
            if faiss_result.get("sanity_mismatched_queries"):
                log(f"[{n}] WARNING: FAISS top 10 differs from numpy brute force for queries "
                    f"{faiss_result['sanity_mismatched_queries']}")
            checks["faiss_matches_numpy_first5"] = (not faiss_result.get("sanity_mismatched_queries")
                                                    if "p50_ms" in faiss_result else None)
            t, b = systems.get("tantivy", {}).get("tops"), systems.get("bm25s", {}).get("tops")
            if t and b:
                overlap = [len(set(x) & set(y)) / TOP_K for x, y in zip(t, b)]
                checks["tantivy_bm25s_top10_overlap_first5"] = sum(overlap) / len(overlap)
            for s in systems.values():
                s.pop("tops", None)
            run = {"passages": n, "queries": meta.get("queries"), "dims": meta.get("dims"), "systems": systems,
                   "ratios": ratios(systems), "checks": checks, "lore_raw": lore}
            runs.append(run)
            if args.json:
                record = {name: public(systems[name]) for name in SYSTEMS if name in systems}
                if len(sizes) > 1:
                    record = {"passages": n, **record}
                print(json.dumps(record), flush=True)
    finally:
        if args.keep:
            log(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)

    if not args.json:
        print(markdown(runs))
        for run in runs:
            print(f"\nchecks at {run['passages']}: {json.dumps(run['checks'])}")
    if not args.no_save:
        path = save(runs, argv)
        log(f"wrote {path.relative_to(REPO)}")
        image = plot(path)
        if image:
            log(f"drew {image.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

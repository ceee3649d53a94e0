#!/usr/bin/env python3
"""lint.py — checks the rules of the C++/PostgreSQL bridge (src/common/bridge.h)
over src/.  `make lint` runs it; `make test` counts it as one test.

PostgreSQL reports errors with longjmp, which skips C++ destructors and
catch blocks.  The rules, per function (a function's lambdas belong to it):

  owning-type   A function that calls PostgreSQL (any function or
                function-like macro declared in the server headers, e.g.
                palloc, SPI_execute, ereport, lfirst) outside mg::pg_call()
                holds no owning C++ object: no std::string, std containers,
                smart pointers, std::function, new/delete.  An ERROR would
                longjmp past its destructor.  Code that needs such objects
                calls PostgreSQL only inside mg::pg_call(...).
  throw         No throw in a function that calls PostgreSQL outside
                mg::pg_call() (it may sit inside a caller's PG_TRY, whose
                cleanup the exception would skip).  Pure C++ may throw:
                guarded() catches it.
  catch         No try/catch outside the bridge, except in pure C++ functions
                (no PostgreSQL call, no pg_call): a caught PgError would leave
                the transaction in an error state.
  pg-try-exit   No return, goto, throw, or break/continue of an enclosing
                loop inside PG_TRY/PG_CATCH/PG_FINALLY ... PG_END_TRY (the
                error state is restored only by PG_END_TRY).
  entry-point   Every function PostgreSQL calls (assigned to a *_hook,
                registered with Register*Callback, CacheRegister*Callback,
                on_proc_exit/before_shmem_exit, or a GUC check/assign/show
                hook) runs through mg::guarded(), or is marked
                `mg-lint: no-throw` (in a comment at its definition or its
                registration) because it only flips flags.  SQL-callable
                functions use MG_SQL_FUNCTION; PG_FUNCTION_INFO_V1 appears only
                in bridge.h.
  spi-pinned    Every SQL text goes through SPI with search_path pinned:
                SPI_execute/SPI_exec/SPI_prepare/SPI_cursor_open* are called
                only inside the callback of mg::with_pinned_search_path() or
                mg::as_extension_owner() (mg::spi_exec() is the usual way,
                src/common/pinned_sql.h).
  version       PG_VERSION_NUM is tested only in src/common/compat.h.

src/cli/ is the command-line client: a separate program on libpq that never
runs inside the server (no longjmp there, so ordinary C++ with exceptions and
RAII is right, and the rules above do not apply to it).  Its one rule:

  client-pure   A file of src/cli/ includes no PostgreSQL server header and
                nothing of the extension's folders (quoted includes are
                "cli/..."), so it stays a pure libpq program.

Exceptions are listed in ALLOW below, each with its reason.  Output:
`file:line: [rule] message`; exit status 1 when anything is found.
"""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SRC = os.path.join(ROOT, "src")

# Deliberate exceptions: file -> {rule: reason}.
ALLOW = {
    "src/common/bridge.h": {
        "throw": "the bridge: pg_call() throws PgError",
        "catch": "the bridge: guarded() catches every exception",
        "owning-type": "the bridge",
    },
    "src/common/bridge.cpp": {"catch": "the bridge", "throw": "the bridge"},
    "src/schema/flight_report.cpp": {
        "spi-pinned": "check_fk_rules() calls migrate_guard.verify_fk_rules(), which resolves the unqualified "
                      "names of fk_expectations with the caller's search_path (the SQL text itself is qualified)",
    },
    "src/common/selftest.cpp": {
        "throw": "the self-test breaks the rules on purpose to prove the bridge (sql/bridge.sql)",
        "owning-type": "the self-test holds a std::string while pg_call() raises (sql/bridge.sql)",
        "pg-try-exit": "the self-test throws inside PG_TRY on purpose (sql/bridge.sql)",
    },
}

OWNING = re.compile(
    r"\bstd::(?:basic_string|string|wstring|u8string|u16string|u32string|vector|deque|list|forward_list|"
    r"map|multimap|set|multiset|unordered_\w+|unique_ptr|shared_ptr|weak_ptr|function|any|"
    r"stringstream|ostringstream|istringstream|regex|thread|to_string|make_unique|make_shared|"
    r"runtime_error|logic_error|invalid_argument|out_of_range)\b"
    r"|\bnew\s+[A-Za-z_:(]|(?<![=]\s)\bdelete\b(?!\s*;)")
SPI_CALL = re.compile(r"\bSPI_(?:execute\w*|exec|execp|prepare\w*|cursor_open\w*)\s*\(")
MARKER = "mg-lint: no-throw"


def pg_symbols():
    """Names of the functions and function-like macros of the server headers."""
    try:
        incdir = subprocess.check_output(["pg_config", "--includedir-server"], text=True).strip()
    except (OSError, subprocess.CalledProcessError):
        sys.exit("lint: pg_config not found (run `make deps`)")
    names = set()
    decl = re.compile(r"^\s*extern\s+(?:PGDLLIMPORT\s+)?[^;()#]*?\b([A-Za-z_]\w*)\s*\(", re.M)
    inline = re.compile(r"^static\s+inline\b[^;{(]*?\n?\s*\b([A-Za-z_]\w*)\s*\(", re.M)
    macro = re.compile(r"^\s*#\s*define\s+([A-Za-z_]\w*)\(", re.M)
    for dirpath, _, files in os.walk(incdir):
        rel_dir = os.path.relpath(dirpath, incdir)
        for f in files:
            # c.h, port.h, port/ and pg_config*.h wrap the C library (printf, qsort,
            # strlcpy, ...) and define macros (Max, lengthof): nothing there raises an ERROR
            if not f.endswith(".h") or f in ("c.h", "port.h") or f.startswith(("pg_config", "plperl", "plpython")) or \
                    rel_dir == "port" or rel_dir.startswith("port" + os.sep):
                continue
            with open(os.path.join(dirpath, f), encoding="utf-8", errors="replace") as fh:
                text = fh.read()
            names.update(decl.findall(text))
            names.update(inline.findall(text))
            names.update(macro.findall(text))
    names -= {"if", "while", "for", "switch", "return", "sizeof", "defined"}
    # C library functions some headers wrap in macros: they never raise an ERROR
    names -= {"printf", "fprintf", "sprintf", "snprintf", "vprintf", "vfprintf", "vsprintf", "vsnprintf",
              "strerror", "strerror_r", "qsort", "qsort_r", "bsearch", "strlcpy", "strlcat", "strnlen", "strtof",
              "memcpy", "memmove", "memset", "memcmp", "strcmp", "strncmp", "strlen", "strchr", "strrchr",
              "strstr", "abort", "exit", "fflush", "fputs", "puts", "putchar", "getenv", "isalnum", "isalpha",
              "isdigit", "isspace", "islower", "isupper", "tolower", "toupper", "rand", "srand", "random"}
    return names


def strip(text):
    """Comments and string/char literal contents blanked (lengths and newlines kept)."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
            out.append(c + re.sub(r"[^\n]", " ", text[i + 1:j - 1]) + c)
            i = j
        else:
            out.append(c)
            i += 1
    s = "".join(out)
    # preprocessor lines (with continuations) are not code to analyse here
    return re.sub(r"(?m)^[ \t]*#(?:[^\n]*\\\n)*[^\n]*", lambda m: re.sub(r"[^\n]", " ", m.group(0)), s)


def line_of(text, pos):
    return text.count("\n", 0, pos) + 1


def matching(text, pos, open_c, close_c):
    """Index just past the bracket matching the one at pos."""
    depth = 0
    for i in range(pos, len(text)):
        if text[i] == open_c:
            depth += 1
        elif text[i] == close_c:
            depth -= 1
            if depth == 0:
                return i + 1
    return len(text)


def functions(code):
    """(name, head_start, body_start, body_end) of every function defined at namespace or class scope."""
    found = []
    i, n = 0, len(code)
    while i < n:
        if code[i] != "{":
            i += 1
            continue
        j = i - 1
        while j >= 0 and code[j] not in ";{}":
            j -= 1
        head = code[j + 1:i]
        h = head.strip()
        if re.search(r"\bnamespace\b[^()]*$", h) or re.match(r'^extern\s*"\s*"$', h) or \
                re.search(r"\b(?:struct|class|union)\b[^()=]*$", h):
            i += 1  # transparent scope: look inside
            continue
        end = matching(code, i, "{", "}")
        m = re.search(r"([A-Za-z_]\w*)\s*\((?:[^()]|\([^()]*\))*\)\s*(?:const|noexcept|override|mutable|\s)*"
                      r"(?:->\s*[^{]+)?$", h)
        if m and not re.search(r"=\s*$|\b(?:enum|if|for|while|switch)\b", h.split("(")[0]):
            name = m.group(1)
            if name == "MG_SQL_FUNCTION":
                name = re.search(r"MG_SQL_FUNCTION\s*\(\s*(\w+)", h).group(1)
            found.append((name, j + 1, i, end))
        i = end
    return found


def spans(body, word):
    """(start, end) of each `word(...)` call in body."""
    out = []
    for m in re.finditer(r"\b" + word + r"\s*\(", body):
        start = m.end() - 1
        out.append((m.start(), matching(body, start, "(", ")")))
    return out


def inside(pos, ranges):
    return any(a <= pos < b for a, b in ranges)


def pg_calls(body, symbols, exclude):
    for m in re.finditer(r"(?<![\w.>:])(?:::)?([A-Za-z_]\w*)\s*\(", body):
        if m.group(1) in symbols and not inside(m.start(), exclude):
            yield m.start(), m.group(1)


def pg_try_blocks(body):
    for m in re.finditer(r"\bPG_TRY\s*\(\s*\)\s*;", body):
        end = body.find("PG_END_TRY", m.end())
        yield m.start(), (end if end >= 0 else len(body))


def brace_kind(text, i, start):
    """What the brace at i opens: 'loop' (for/while/do/switch), 'lambda' or 'block'."""
    j = i - 1
    while j > start and text[j].isspace():
        j -= 1
    if text[j] == ")":
        depth = 0
        while j > start:
            if text[j] == ")":
                depth += 1
            elif text[j] == "(":
                depth -= 1
                if depth == 0:
                    break
            j -= 1
        j -= 1
        while j > start and text[j].isspace():
            j -= 1
        if text[j] == "]":
            return "lambda"
        m = re.search(r"(\w+)$", text[start:j + 1])
        return "loop" if m and m.group(1) in ("for", "while", "switch") else "block"
    if text[j] == "]":
        return "lambda"
    m = re.search(r"(\w+)$", text[start:j + 1])
    return "loop" if m and m.group(1) == "do" else "block"


def check_pg_try(body, start, end):
    """Statements that leave a PG_TRY..PG_END_TRY block: (offset, what)."""
    stack = []  # kinds of the braces opened inside the block
    i = start
    text = body
    while i < end:
        c = text[i]
        if c == "{":
            kind = brace_kind(text, i, start)
            stack.append(kind)
        elif c == "}":
            if stack:
                stack.pop()
        else:
            m = re.match(r"\b(return|goto|throw|break|continue)\b", text[i:end])
            if m and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
                word = m.group(1)
                if "lambda" not in stack and not (word in ("break", "continue") and "loop" in stack):
                    yield i, word
                i += len(word)
                continue
        i += 1


def check(sources, symbols):
    """Problems found in sources: a list of (path, raw text, stripped text)."""
    problems = []

    def report(path, code, pos, rule, msg):  # noqa: E306
        if rule in ALLOW.get(path, {}):
            return
        problems.append(f"{path}:{line_of(code, pos)}: [{rule}] {msg}")

    defined = {}  # function name -> [(path, raw, code, body_start, body_end, head_start)]
    for path, raw, code in sources:
        if path != "src/common/compat.h":
            for m in re.finditer(r"\bPG_VERSION_NUM\b", raw):
                report(path, raw, m.start(), "version",
                       "PG_VERSION_NUM is tested only in src/common/compat.h: add a macro there and use it here")
        if path != "src/common/bridge.h":
            for m in re.finditer(r"\bPG_FUNCTION_INFO_V1\s*\(", code):
                report(path, code, m.start(), "entry-point",
                       "declare SQL-callable functions with MG_SQL_FUNCTION(name) (bridge.h), which runs the "
                       "body under mg::guarded()")
        for name, head_start, bstart, bend in functions(code):
            defined.setdefault(name, []).append((path, raw, code, bstart, bend, head_start))
            body = code[bstart:bend]
            protected = spans(body, "pg_call")
            calls = list(pg_calls(body, symbols, protected))
            first_call = f"{calls[0][1]} at line {line_of(code, bstart + calls[0][0])}" if calls else None
            uses_pg_call = bool(protected)
            for m in OWNING.finditer(body):
                if calls:
                    report(path, code, bstart + m.start(), "owning-type",
                           f"function '{name}' holds an owning C++ object ({m.group(0).strip()}) and calls "
                           f"PostgreSQL ({first_call}) outside mg::pg_call(): an ERROR would longjmp past its "
                           f"destructor. Use palloc/StringInfo/List, or call PostgreSQL only inside "
                           f"mg::pg_call(...) (src/common/bridge.h).")
                    break
            for m in re.finditer(r"\bthrow\b", body):
                if calls:
                    report(path, code, bstart + m.start(), "throw",
                           f"function '{name}' throws and calls PostgreSQL ({first_call}): report errors with "
                           f"ereport(ERROR, ...) here; only pure C++ code may throw (mg::guarded() catches it).")
                    break
            for m in re.finditer(r"\b(?:try|catch)\b", body):
                if calls or uses_pg_call:
                    report(path, code, bstart + m.start(), "catch",
                           f"function '{name}' catches C++ exceptions and reaches PostgreSQL: only "
                           f"mg::guarded() may catch (a caught PgError leaves the transaction in an error "
                           f"state).")
                    break
            for start, end in pg_try_blocks(body):
                for off, word in check_pg_try(body, start, end):
                    report(path, code, bstart + off, "pg-try-exit",
                           f"'{word}' leaves a PG_TRY/PG_CATCH/PG_FINALLY block of '{name}' before PG_END_TRY "
                           f"restores the error state: set a variable and act after PG_END_TRY.")
            pinned_spans = spans(body, "as_extension_owner") + spans(body, "with_pinned_search_path")
            for m in SPI_CALL.finditer(body):
                if inside(m.start(), pinned_spans):
                    continue
                report(path, code, bstart + m.start(), "spi-pinned",
                       f"function '{name}' runs SQL through {m.group(0).rstrip('( ')} without pinning "
                       f"search_path: use mg::spi_exec(), or call it inside mg::with_pinned_search_path() "
                       f"(src/common/pinned_sql.h) or mg::as_extension_owner().")

    # entry points: what PostgreSQL calls must run under guarded() or be marked no-throw
    registrations = []
    for path, raw, code in sources:
        for m in re.finditer(r"\b(\w+_hook)\s*=\s*([A-Za-z_]\w*)\s*;", code):
            if m.group(2) not in ("nullptr", "NULL") and not m.group(2).startswith("prev_"):
                registrations.append((path, raw, code, m.start(), m.group(2), m.group(1)))
        for m in re.finditer(r"\b(Register(?:Sub)?XactCallback|on_proc_exit|before_shmem_exit|on_shmem_exit|"
                             r"CacheRegisterRelcacheCallback)\s*\(\s*([A-Za-z_]\w*)", code):
            registrations.append((path, raw, code, m.start(), m.group(2), m.group(1)))
        for m in re.finditer(r"\bCacheRegisterSyscacheCallback\s*\(\s*\w+\s*,\s*([A-Za-z_]\w*)", code):
            registrations.append((path, raw, code, m.start(), m.group(1), "CacheRegisterSyscacheCallback"))
        for m in re.finditer(r"\bDefineCustom\w+Variable\s*\(", code):
            args_end = matching(code, m.end() - 1, "(", ")")
            args, depth, cur = [], 0, ""
            for ch in code[m.end():args_end - 1]:
                if ch in "([{":
                    depth += 1
                elif ch in ")]}":
                    depth -= 1
                if ch == "," and depth == 0:
                    args.append(cur.strip())
                    cur = ""
                else:
                    cur += ch
            args.append(cur.strip())
            for a in args[-3:]:
                if re.fullmatch(r"[A-Za-z_]\w*", a) and a not in ("nullptr", "NULL"):
                    registrations.append((path, raw, code, m.start(), a, "a GUC hook"))
    for path, raw, code, pos, fn, how in registrations:
        reg_line = raw.splitlines()[line_of(code, pos) - 1]
        if MARKER in reg_line:
            continue
        defs = defined.get(fn, [])
        if not defs:
            report(path, code, pos, "entry-point", f"'{fn}' ({how}) is not defined in src/: cannot check it")
            continue
        for dpath, draw, dcode, bstart, bend, hstart in defs:
            if "guarded(" in dcode[bstart:bend]:
                continue
            before = draw[max(0, draw.rfind("\n", 0, max(0, hstart - 1)) - 400):bend]
            if MARKER in draw[bstart:bend] or MARKER in draw[max(0, hstart - 300):bstart]:
                continue
            report(dpath, dcode, hstart, "entry-point",
                   f"'{fn}' is called by PostgreSQL ({how}, {path}:{line_of(code, pos)}) but does not run its "
                   f"body through mg::guarded(): wrap it, or mark it `{MARKER}` if it only flips flags.")

    return problems


CLIENT_DIR = "src/cli/"


def check_client(sources, server_incdir):
    """client-pure over the files of src/cli/ (see the docstring)."""
    problems = []
    for path, raw, _ in sources:
        for m in re.finditer(r'(?m)^[ \t]*#[ \t]*include[ \t]*([<"])([^>"]+)[>"]', raw):
            quote, name = m.group(1), m.group(2)
            if quote == '"' and not name.startswith("cli/"):
                why = "includes \"%s\": the client includes only its own headers (\"cli/...\")" % name
            elif quote == "<" and (name in ("postgres.h", "fmgr.h") or
                                   (server_incdir and os.path.exists(os.path.join(server_incdir, name)))):
                why = "includes the server header <%s>: the client is a pure libpq program" % name
            else:
                continue
            problems.append(f"{path}:{line_of(raw, m.start())}: [client-pure] {why}")
    return problems


# Each snippet must make the rule in its key fire (the lint proves it can fail).
SELF_TEST = {
    "owning-type": "void f(void)\n{\n    std::string s = \"x\";\n    char *p = (char *) palloc(1);\n}\n",
    "throw": "void f(void)\n{\n    elog(ERROR, \"x\");\n    throw 1;\n}\n",
    "catch": "void f(void)\n{\n    try { palloc(1); } catch (...) {}\n}\n",
    "pg-try-exit": "int f(void)\n{\n    PG_TRY();\n    {\n        return 1;\n    }\n    PG_END_TRY();\n    return 0;\n}\n",
    "entry-point": "void h(void)\n{\n    palloc(1);\n}\nvoid install(void)\n{\n    planner_hook = h;\n}\n",
    "spi-pinned": "void f(void)\n{\n    SPI_execute(\"SELECT 1\", true, 0);\n}\n",
    "version": "#if PG_VERSION_NUM >= 150000\n#endif\n",
}
SELF_TEST_CLEAN = (
    "void pure(void)\n{\n    std::string s = \"x\";\n    throw 1;\n}\n"
    "void wrapped(void)\n{\n    std::string s = \"x\";\n    mg::pg_call([] { return palloc(1); });\n}\n"
    "void loops(void)\n{\n    PG_TRY();\n    {\n        for (;;) { break; }\n        auto l = [] { return 1; };\n"
    "    }\n    PG_END_TRY();\n}\n"
    "void g(void)\n{\n    guarded(\"g\", [] { palloc(1); });\n}\n"
    "/* mg-lint: no-throw */\nvoid flag(void)\n{\n    palloc(1);\n}\n"
    "void install(void)\n{\n    planner_hook = g;\n    RegisterXactCallback(flag, nullptr);\n}\n"
    "void own(void)\n{\n    as_extension_owner([&] { SPI_execute(\"SELECT 1\", true, 0); });\n}\n"
    "void pin(void)\n{\n    with_pinned_search_path([&] { return SPI_execute(\"SELECT 1\", true, 0); });\n}\n"
    "void pure_io(void)\n{\n    std::string s = \"x\";\n    printf(\"%s\", s.c_str());\n}\n"
)


def self_test(symbols):
    failures = []
    for rule, snippet in SELF_TEST.items():
        found = check([("src/probe/probe.cpp", snippet, strip(snippet))], symbols)
        if not any(f"[{rule}]" in p for p in found):
            failures.append(f"lint self-test: rule {rule} did not fire on its example")
    found = check([("src/probe/clean.cpp", SELF_TEST_CLEAN, strip(SELF_TEST_CLEAN))], symbols)
    failures += [f"lint self-test: false positive: {p}" for p in found]
    bad_client = '#include "common/bridge.h"\n#include <postgres.h>\n'
    if len(check_client([("src/cli/probe.cpp", bad_client, bad_client)], None)) != 2:
        failures.append("lint self-test: rule client-pure did not fire on its example")
    good_client = '#include "cli/options.h"\n#include <libpq-fe.h>\n#include <string>\n'
    failures += [f"lint self-test: false positive: {p}"
                 for p in check_client([("src/cli/clean.cpp", good_client, good_client)], None)]
    return failures


def cached_symbols():
    """pg_symbols(), cached in build/ (the server headers change only with the server package)."""
    cache = os.path.join(ROOT, "build", "lint-pg-symbols.txt")
    try:
        incdir = subprocess.check_output(["pg_config", "--includedir-server"], text=True).strip()
        if os.path.getmtime(cache) > os.path.getmtime(incdir):
            with open(cache, encoding="utf-8") as fh:
                lines = fh.read().split("\n")
            if lines and lines[0] == incdir:
                return set(lines[1:])
    except (OSError, subprocess.CalledProcessError):
        pass
    symbols = pg_symbols()
    try:
        os.makedirs(os.path.dirname(cache), exist_ok=True)
        with open(cache, "w", encoding="utf-8") as fh:
            fh.write("\n".join([incdir] + sorted(symbols)))
    except OSError:
        pass
    return symbols


def main():
    symbols = cached_symbols()
    sources = []
    for dirpath, _, files in os.walk(SRC):
        for f in sorted(files):
            if f.endswith((".cpp", ".h")):
                full = os.path.join(dirpath, f)
                rel = os.path.relpath(full, ROOT)
                with open(full, encoding="utf-8") as fh:
                    raw = fh.read()
                sources.append((rel, raw, strip(raw)))
    sources.sort()
    # the client (src/cli/) is not server code: the bridge rules do not apply
    # to it, and would misfire as soon as it used a C library name the server
    # headers also declare (malloc, free, getopt_long) next to a std::string;
    # it gets its own rule instead
    client = [src for src in sources if src[0].startswith(CLIENT_DIR)]
    server = [src for src in sources if not src[0].startswith(CLIENT_DIR)]
    try:
        server_incdir = subprocess.check_output(["pg_config", "--includedir-server"], text=True).strip()
    except (OSError, subprocess.CalledProcessError):
        server_incdir = None
    problems = self_test(symbols) + check(server, symbols) + check_client(client, server_incdir)
    for p in problems:
        print(p)
    nfiles = len(sources)
    if problems:
        print(f"lint: {len(problems)} problem(s) in {nfiles} files (rules: scripts/lint.py, src/common/bridge.h)")
        return 1
    print(f"lint: {nfiles} files checked, bridge rules hold")
    return 0


if __name__ == "__main__":
    sys.exit(main())

/// The patterns of one ignore file (`.gitignore` or `.loreignore`), in a subset of gitignore's
/// syntax: `name` (a file or folder of that name at any depth), `dir/` (folders only), globs with
/// `*`, `?` and `[a-z]`, `/anchored` and `a/b` (relative to the ignore file's folder), `**` (any
/// number of folders), `!pattern` (include again what an earlier pattern left out), `#` comments
/// and `\` escapes for a leading `#` or `!`. The last pattern that matches a path decides.
struct IgnoreRules: Sendable {
    struct Pattern: Sendable {
        var negated: Bool
        var directoryOnly: Bool
        /// Matched against the whole path below the ignore file's folder, not only the name.
        var anchored: Bool
        /// The pattern's parts between slashes; `**` stays a part of its own.
        var parts: [[Unicode.Scalar]]
    }

    /// The folder holding the ignore file, relative to the notes folder ("" for the notes folder).
    var base: String
    var patterns: [Pattern]

    init(base: String, text: String) {
        self.base = base
        patterns = text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }).compactMap(Self.pattern)
    }

    static func pattern(_ line: Substring) -> Pattern? {
        var s = Substring(line)
        while let last = s.last, last == " " || last == "\t", !s.hasSuffix("\\ ") { s = s.dropLast() }
        guard !s.isEmpty, !s.hasPrefix("#") else { return nil }
        var negated = false
        if s.hasPrefix("!") { negated = true; s = s.dropFirst() }
        else if s.hasPrefix("\\!") || s.hasPrefix("\\#") { s = s.dropFirst() }
        var directoryOnly = false
        while s.hasSuffix("/") { directoryOnly = true; s = s.dropLast() }
        var anchored = s.contains("/")
        while s.hasPrefix("/") { anchored = true; s = s.dropFirst() }
        guard !s.isEmpty else { return nil }
        let parts = s.split(separator: "/").map { Array($0.unicodeScalars) }
        return Pattern(negated: negated, directoryOnly: directoryOnly, anchored: anchored, parts: parts)
    }

    /// The verdict of these rules for `path` (relative to the notes folder), or nil when no
    /// pattern matches: true to leave it out, false to keep it (a `!` pattern).
    func verdict(_ path: String, isDirectory: Bool) -> Bool? {
        let below: Substring
        if base.isEmpty { below = Substring(path) }
        else if path.hasPrefix(base + "/") { below = path.dropFirst(base.count + 1) }
        else { return nil }
        let components = below.split(separator: "/").map { Array($0.unicodeScalars) }
        guard let name = components.last else { return nil }
        var result: Bool? = nil
        for p in patterns where !p.directoryOnly || isDirectory {
            let matches = p.anchored ? Self.match(p.parts[...], components[...])
                                     : p.parts.count == 1 && Self.glob(p.parts[0][...], name[...])
            if matches { result = !p.negated }
        }
        return result
    }

    /// Pattern parts against path components; `**` takes any number of components.
    static func match(_ parts: ArraySlice<[Unicode.Scalar]>, _ components: ArraySlice<[Unicode.Scalar]>) -> Bool {
        guard let first = parts.first else { return components.isEmpty }
        if first == ["*", "*"] {
            let rest = parts.dropFirst()
            var c = components
            while true {
                if match(rest, c) { return true }
                guard !c.isEmpty else { return false }
                c = c.dropFirst()
            }
        }
        guard let component = components.first, glob(first[...], component[...]) else { return false }
        return match(parts.dropFirst(), components.dropFirst())
    }

    /// One glob (`*`, `?`, `[...]`, `\` escapes) against one path component.
    static func glob(_ pattern: ArraySlice<Unicode.Scalar>, _ name: ArraySlice<Unicode.Scalar>) -> Bool {
        var p = pattern.startIndex, n = name.startIndex
        var star: (p: Int, n: Int)? = nil
        while n < name.endIndex {
            if p < pattern.endIndex {
                switch pattern[p] {
                case "*":
                    star = (p, n)
                    p += 1
                    continue
                case "?":
                    p += 1; n += 1
                    continue
                case "[":
                    if let (matched, after) = Self.bracket(pattern, p, name[n]) {
                        if matched { p = after; n += 1; continue }
                    } else if name[n] == "[" {
                        p += 1; n += 1
                        continue
                    }
                case "\\" where p + 1 < pattern.endIndex:
                    if pattern[p + 1] == name[n] { p += 2; n += 1; continue }
                default:
                    if pattern[p] == name[n] { p += 1; n += 1; continue }
                }
            }
            // A mismatch: let the last `*` take one more character, or fail.
            guard let s = star else { return false }
            star = (s.p, s.n + 1)
            p = s.p + 1
            n = s.n + 1
        }
        while p < pattern.endIndex, pattern[p] == "*" { p += 1 }
        return p == pattern.endIndex
    }

    /// A `[...]` class at `start`: whether `c` is in it and the index after it; nil when unclosed.
    static func bracket(_ pattern: ArraySlice<Unicode.Scalar>, _ start: Int, _ c: Unicode.Scalar) -> (Bool, Int)? {
        var i = start + 1
        var negate = false
        if i < pattern.endIndex, pattern[i] == "!" || pattern[i] == "^" { negate = true; i += 1 }
        var found = false
        var first = true
        while i < pattern.endIndex, pattern[i] != "]" || first {
            first = false
            let lo = pattern[i]
            if i + 2 < pattern.endIndex, pattern[i + 1] == "-", pattern[i + 2] != "]" {
                if lo.value <= c.value && c.value <= pattern[i + 2].value { found = true }
                i += 3
            } else {
                if lo == c { found = true }
                i += 1
            }
        }
        guard i < pattern.endIndex else { return nil }
        return (found != negate, i + 1)
    }
}

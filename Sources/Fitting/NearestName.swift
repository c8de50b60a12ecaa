/// The nearest valid name to a misspelt one, by optimal-string-alignment distance (Levenshtein
/// plus adjacent transpositions), after folding case and `-`/space to `_`: at most 1 edit
/// for names of up to 4 characters, 2 up to 8, 3 beyond; nil when nothing is that close.
///
/// ```swift
/// NearestName.suggest("obsrvations", among: ["observations", "targets"])   // "observations"
/// NearestName.suggest("colour", among: ["observations", "targets"])        // nil
/// ```
public enum NearestName {
    public static func suggest(_ name: String, among candidates: [String]) -> String? {
        // No suggestion is within 3 edits of a name much longer than every candidate; and the
        // distance costs length × length, so a 1 MB name must not reach it.
        guard let longestCandidate = candidates.map(\.count).max(), name.utf8.count <= 4 * longestCandidate + 3 else { return nil }
        let folded = fold(name)
        var best: (name: String, distance: Int)?
        for candidate in candidates {
            let d = distance(folded, fold(candidate))
            if d < (best?.distance ?? .max) { best = (candidate, d) }
        }
        guard let best else { return nil }
        let longest = max(folded.count, best.name.count)
        let allowed = longest <= 4 ? 1 : longest <= 8 ? 2 : 3
        return best.distance <= allowed ? best.name : nil
    }

    /// Like ``suggest(_:among:)``, but never a candidate that every character differs from
    /// (`x` for `b`, `x1` for `b2`): one short name for another is a guess, not a misspelling.
    /// For a name that may be a misspelt one only by accident (a data column, a parameter).
    public static func suggestMisspelling(_ name: String, among candidates: [String]) -> String? {
        guard let longestCandidate = candidates.map(\.count).max(), name.utf8.count <= 4 * longestCandidate + 3 else { return nil }
        let folded = fold(name)
        return suggest(name, among: candidates.filter { distance(folded, fold($0)) < max(folded.count, $0.count) })
    }

    public static func fold(_ s: String) -> String {
        String(s.lowercased().map { $0 == "-" || $0 == " " ? "_" : $0 })
    }

    public static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[a.count][b.count]
    }
}

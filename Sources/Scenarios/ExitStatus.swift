/// The exit status of a command (DESIGN.md, "Command line"), ordered by how bad it is: in a
/// batch the worst wins — bad input, then a failed fit or forecast, then a target off track
/// (`check --strict`) or a difference (`compare --tolerance`), then success.
public enum ExitStatus: Int32, Sendable, Comparable, CaseIterable {
    case success = 0
    /// `check --strict`: a target is off track or missed; `compare --tolerance`: a difference.
    case flagged = 1
    /// Usage, scenario, formula or data file not valid.
    case badInput = 2
    /// A fit or a forecast failed.
    case failed = 3

    /// 0 < 1 < 3 < 2.
    var severity: Int {
        switch self {
        case .success: return 0
        case .flagged: return 1
        case .failed: return 2
        case .badInput: return 3
        }
    }

    public static func < (a: ExitStatus, b: ExitStatus) -> Bool { a.severity < b.severity }
}

import Fitting
import Forecasting
import TextIO

/// `families.csv` (issue 12): P(met) at baseline with each fitted family forced alone, same
/// seed and paths (``FamilyComparison``), written by `uptake run` when two or more families
/// fit: `scenario,target_label,family,weight,p_meet,p_meet_se`, per target, then per family
/// in the order of fit.csv. `weight` is the family's weight in the ensemble.
public enum FamilyTable {
    public static let header = ["scenario", "target_label", "family", "weight", "p_meet", "p_meet_se"]

    public static func cells(scenario: String, _ row: FamilyComparison.Row) -> [FeasibilityTable.Cell] {
        [.text(scenario), .text(row.target.label), .text(row.family.rawValue), .number(row.weight), .number(row.pMeet),
         .number(row.pMeetStandardError)]
    }

    public static func table(scenario: String, _ comparison: FamilyComparison, reusing buffer: TextBuffer = TextBuffer()) -> CSVTable {
        var table = CSVTable(header: header, reusing: buffer)
        for row in comparison.rows { table.append(cells(scenario: scenario, row).map(\.csv)) }
        return table
    }
}

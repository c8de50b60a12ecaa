import Fitting
@testable import Scenarios
import TextIO

/// libFuzzer target: CSV bytes through TextIO's reader (lenient and strict), every field as a
/// number, a date and a year, and the same bytes as a scenario's `data:` file and as a
/// `uptake fit` data table. Every error must be one line. See docs/fuzzing.md.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    do throws(LocatedError) {
        _ = try CSVReader.records(in: bytes, file: "fuzz.csv", mode: .strict)
    } catch {
        FuzzInvariant.oneLine(error.description)
    }
    do throws(LocatedError) {
        let csv = try CSVDocument(bytes: bytes, file: "fuzz.csv", exampleHeader: "date,value")
        for row in csv.rows.prefix(50) {
            for field in row.fields.prefix(20) {
                do throws(LocatedError) { _ = try csv.number(field, column: "value") } catch { FuzzInvariant.oneLine(error.description) }
                do throws(LocatedError) { _ = try csv.date(field, column: "date") } catch { FuzzInvariant.oneLine(error.description) }
                do throws(LocatedError) {
                    _ = try csv.dateOrYearEnd(field, column: "period")
                } catch {
                    FuzzInvariant.oneLine(error.description)
                }
            }
        }
    } catch {
        FuzzInvariant.oneLine(error.description)
    }
    do {
        _ = try ScenarioDataFile.read(bytes: bytes, file: "fuzz.csv")
    } catch {
        FuzzInvariant.oneLine("\(error)")
    }
    do throws(DataTableError) {
        _ = try DataTable(csvContents: String(decoding: bytes, as: UTF8.self), fileName: "fuzz.csv")
    } catch {
        FuzzInvariant.oneLine("\(error)")
    }
    return 0
}

@testable import Scenarios

/// libFuzzer target: a scenario file (YAML or JSON bytes) through the loader — YAML shape
/// checks, Yams, every section, the cross-checks and the forecast budget — and when it loads,
/// through `forecastRequest()` (what `uptake validate` does). A `data:` path is read relative to
/// the working directory. Every error must be one line. See docs/fuzzing.md.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzScenario(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    do {
        let scenario = try ScenarioLoader.load(bytes: bytes, path: "fuzz.yaml")
        _ = try scenario.forecastRequest()
    } catch {
        FuzzInvariant.oneLine("\(error)")
    }
    return 0
}

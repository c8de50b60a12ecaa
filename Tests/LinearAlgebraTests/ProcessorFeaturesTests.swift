import Foundation
import LinearAlgebra
import XCTest

/// The run-time choice of the x86-64-v3 kernel rests on this detection: it must agree with
/// what the kernel reports of the processor (Linux's /proc/cpuinfo flags), so that the
/// x86-64-v3 build is used — and its tests run — exactly where it can run.
final class ProcessorFeaturesTests: XCTestCase {
    func testDetectionAgreesWithProcCpuinfo() throws {
        #if arch(x86_64) && os(Linux)
        let info = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        let line = try XCTUnwrap(info.split(separator: "\n").first { $0.hasPrefix("flags") })
        let flags = Set(line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == ":" }).map(String.init))
        // x86-64-v3: AVX, AVX2, BMI1, BMI2, F16C, FMA, LZCNT (Linux: abm), MOVBE, XSAVE.
        let v3 = ["avx", "avx2", "bmi1", "bmi2", "f16c", "fma", "abm", "movbe", "xsave"].allSatisfy(flags.contains)
        XCTAssertEqual(ProcessorFeatures.hasAVX2AndFMA, v3, "flags: \(flags.sorted().joined(separator: " "))")
        #else
        XCTAssertFalse(ProcessorFeatures.hasAVX2AndFMA)
        #endif
    }
}

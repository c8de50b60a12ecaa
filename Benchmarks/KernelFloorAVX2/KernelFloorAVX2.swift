import KernelFloor

/// KernelFloor's loop compiled for x86-64-v3 (Package.swift: this module alone gets
/// `-target-cpu haswell`), called only when the x86-64-v3 kernel is installed, so the
/// benchmark program itself runs on any x86-64.
public enum KernelFloorAVX2 {
    public static func paths(parameters: [Double], sigma: Double, reference: Double, times: [Double], last: Double,
                             target: Double, paths: Int, seed: UInt64) -> Double {
        KernelFloor.paths(parameters: parameters, sigma: sigma, reference: reference, times: times, last: last,
                          target: target, paths: paths, seed: seed)
    }
}

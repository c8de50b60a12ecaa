import ArgumentParser
import Foundation

/// Checks a folder option such as `run --out` before anything runs: the folder may exist or
/// not (it is created), but neither it nor any folder above it may be an existing file — else
/// the batch would forecast everything and then fail to write every file.
enum OutputFolder {
    static func check(_ path: String, option: String) throws {
        if path.isEmpty { throw ValidationError("\(option) is empty; give a folder for the results.") }
        var candidate = path
        while !candidate.isEmpty {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isFolder) {
                guard isFolder.boolValue else {
                    let which = candidate == path ? "it" : "'\(candidate)'"
                    throw ValidationError("\(option) \(path): \(which) is a file, not a folder; give a folder for the results "
                        + "(one that does not exist yet is created).")
                }
                return
            }
            let parent = (candidate as NSString).deletingLastPathComponent
            if parent == candidate { return }
            candidate = parent
        }
    }
}

/// A count with its noun in the right number, for messages: `counted(1, "observation")` is
/// "1 observation", `counted(3, "observation")` "3 observations", `counted(2, "series",
/// plural: "series")` "2 series".
public func counted(_ count: Int, _ noun: String, plural: String? = nil) -> String {
    "\(count) " + (count == 1 ? noun : plural ?? noun + "s")
}

/// A register while compiling.
struct TapeRegister {
    var offset: Int
    var isVector: Bool
    /// Sorted indices of the parameters the register depends on.
    var dependencies: [Int]
    var partialOffset: Int
    /// Set once a parameter-independent register has been checked for finite values.
    var checked = false

    func length(_ rows: Int) -> Int { isVector ? rows : 1 }
}

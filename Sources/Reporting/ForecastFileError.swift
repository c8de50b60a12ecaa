import TextIO

/// A problem in a forecast or actuals file: the located error every CSV reader throws,
/// `file:line:column: message`, one line (`file: message` for a file that cannot be read).
public typealias ForecastFileError = LocatedError

import Foundation
import LoreCommandLine
import LoreCore

/// Shows the stages of a build on one line of stderr, rewritten in place (`\r`), when stderr is a
/// terminal; does nothing when it is not (piped, redirected to a file). Other lines for stderr go
/// through `warn`, which clears the progress line first.
final class ProgressLine: @unchecked Sendable {
    private let lock = NSLock()
    private let enabled: Bool
    /// Whether a progress line is on the screen now.
    private var shown = false
    private var lastDrawn: UInt64 = 0
    /// Counts rising faster than this are drawn at most this often (nanoseconds).
    private static let interval: UInt64 = 100_000_000

    init(enabled: Bool = isatty(STDERR_FILENO) == 1) { self.enabled = enabled }

    /// The callback for the library, or nil when nothing is shown.
    var callback: BuildProgress? {
        guard enabled else { return nil }
        return { [self] stage in show(stage) }
    }

    private func show(_ stage: BuildStage) {
        lock.lock()
        defer { lock.unlock() }
        let now = DispatchTime.now().uptimeNanoseconds
        if case .reading(let done, let total) = stage, done > 1, done < total, now - lastDrawn < Self.interval { return }
        lastDrawn = now
        write("\r\u{1B}[K" + "lore: " + Self.text(stage))
        shown = true
    }

    /// Removes the progress line, if one is shown.
    func clear() {
        lock.lock()
        defer { lock.unlock() }
        if shown { write("\r\u{1B}[K") }
        shown = false
    }

    /// One line on stderr (as `printError`), below no progress line.
    func warn(_ message: String) {
        clear()
        printError(message)
    }

    private func write(_ s: String) { FileHandle.standardError.write(Data(s.utf8)) }

    /// What a stage says; short, so that the line fits a terminal and `\r` rewrites it whole.
    static func text(_ stage: BuildStage) -> String {
        switch stage {
        case .listed(let notes, let toRead): return "\(counted(notes, "note")) found, \(toRead) to read"
        case .reading(let done, let total): return "reading notes: \(done) of \(total)"
        case .embedded(let notes, let passages): return "\(counted(notes, "note")) read, \(counted(passages, "passage")) embedded"
        case .fittingLatent(let passages): return "fitting the latent layer on \(counted(passages, "passage"))"
        case .writing: return "writing the index"
        }
    }
}

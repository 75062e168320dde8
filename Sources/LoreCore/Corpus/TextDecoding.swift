import Foundation

/// The text of a note's bytes, whatever the editor that saved them: UTF-8 (with or without a
/// byte-order mark), UTF-16 with its byte-order mark (what Windows editors call "Unicode"), and,
/// for bytes that are neither, Windows-1252 (the Latin-1 superset older Windows and macOS editors
/// wrote): a note of accented words is read, not lost. Bytes holding a NUL without a UTF-16 mark
/// are binary, not text.
public enum TextDecoding: Equatable, Sendable {
    case utf8, utf16LittleEndian, utf16BigEndian, windows1252

    /// The encoding's name, as a warning shows it.
    public var name: String {
        switch self {
        case .utf8: return "UTF-8"
        case .utf16LittleEndian: return "UTF-16 (little-endian)"
        case .utf16BigEndian: return "UTF-16 (big-endian)"
        case .windows1252: return "Windows-1252"
        }
    }

    /// Why some bytes are not text.
    public enum Problem: Error, Equatable, CustomStringConvertible {
        /// A NUL byte in the first 8 KiB, without a UTF-16 byte-order mark.
        case binary
        /// A UTF-16 byte-order mark followed by an odd number of bytes or unpaired surrogates.
        case badUTF16

        public var description: String {
            switch self {
            case .binary: return "binary file"
            case .badUTF16: return "not valid UTF-16"
            }
        }
    }

    /// The text of `data` (without any byte-order mark) and the encoding it was read in.
    public static func decode(_ data: Data) throws(Problem) -> (text: String, encoding: TextDecoding) {
        try data.withUnsafeBytes { raw in decode(raw.assumingMemoryBound(to: UInt8.self)) }.get()
    }

    static func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> Result<(text: String, encoding: TextDecoding), Problem> {
        if bytes.count >= 2, (bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF) {
            let little = bytes[0] == 0xFF
            guard let text = utf16(bytes.dropFirst(2), littleEndian: little) else { return .failure(.badUTF16) }
            return .success((text, little ? .utf16LittleEndian : .utf16BigEndian))
        }
        if bytes.prefix(8192).contains(0) { return .failure(.binary) }
        if let text = String(validating: bytes, as: UTF8.self) {
            return .success((text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text, .utf8))
        }
        return .success((windows1252(bytes), .windows1252))
    }

    /// UTF-16 code units of `bytes` in the given order, or nil when they do not pair up.
    static func utf16(_ bytes: Slice<UnsafeBufferPointer<UInt8>>, littleEndian: Bool) -> String? {
        guard bytes.count % 2 == 0 else { return nil }
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2)
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let a = UInt16(bytes[i]), b = UInt16(bytes[i + 1])
            units.append(littleEndian ? a | b << 8 : a << 8 | b)
            i += 2
        }
        return String(validating: units, as: UTF16.self)
    }

    /// Windows-1252: bytes under 0x80 and from 0xA0 are Latin-1's (the same code points); 0x80-0x9F
    /// hold typographic marks (curly quotes, dashes, €), and its five unassigned bytes become U+FFFD.
    static func windows1252(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        var scalars = String.UnicodeScalarView()
        for b in bytes {
            if b >= 0x80 && b < 0xA0 {
                let point = high[Int(b - 0x80)]
                scalars.append(point == 0 ? "\u{FFFD}" : Unicode.Scalar(point) ?? "\u{FFFD}")
            } else {
                scalars.append(Unicode.Scalar(b))
            }
        }
        return String(scalars)
    }

    /// Code points of Windows-1252's bytes 0x80-0x9F (0 where the byte is unassigned).
    private static let high: [UInt32] = [
        0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
        0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
    ]
}

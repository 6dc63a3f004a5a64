using System;
using System.Collections.Generic;
using System.Text;

namespace CapOS.Harness;

/// <summary>
/// Cuts the serial byte stream into lines. Bytes arrive in arbitrary chunks (a line, or a UTF-8 sequence,
/// may be split between two reads). Lines end at '\n'; a '\r' anywhere is dropped, so "\r\n" and "\n"
/// both end a line and a bare "\r" does not. Not thread-safe: one reader feeds it.
/// </summary>
public sealed class SerialLineSplitter
{
    private readonly Decoder _decoder = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetDecoder();
    private readonly StringBuilder _partial = new();
    private char[] _chars = new char[256];

    /// <summary>The text received after the last complete line.</summary>
    public string Partial => _partial.ToString();

    /// <summary>Feeds bytes; returns the lines they complete (without terminators), in order.</summary>
    public IReadOnlyList<string> Push(ReadOnlySpan<byte> bytes)
    {
        int needed = _decoder.GetCharCount(bytes, flush: false);
        if (needed > _chars.Length)
        {
            _chars = new char[Math.Max(needed, _chars.Length * 2)];
        }
        int count = _decoder.GetChars(bytes, _chars, flush: false);
        List<string>? lines = null;
        for (int i = 0; i < count; i++)
        {
            char c = _chars[i];
            if (c == '\n')
            {
                (lines ??= []).Add(_partial.ToString());
                _partial.Clear();
            }
            else if (c != '\r')
            {
                _partial.Append(c);
            }
        }
        return lines ?? (IReadOnlyList<string>)[];
    }

    /// <summary>At end of stream: the unterminated last line, or null if there is none.</summary>
    public string? Flush()
    {
        Push([]);
        if (_partial.Length == 0)
        {
            return null;
        }
        string last = _partial.ToString();
        _partial.Clear();
        return last;
    }
}

using System.Runtime.CompilerServices;

namespace System;

/// <summary>
/// Immutable UTF-16 text. Only literals exist (the compiler freezes them into the
/// image); the API is the two members portable code may use: Length and the indexer.
/// The field names are the ones ILC expects (docs/toolchain.md).
/// </summary>
public sealed class String
{
#pragma warning disable CS0649 // laid out by the compiler for frozen literals
    private readonly int _stringLength;
    private char _firstChar;
#pragma warning restore CS0649

    private String()
    {
    }

    public int Length => _stringLength;

    [IndexerName("Chars")]
    public unsafe char this[int index]
    {
        get
        {
            if ((uint)index >= (uint)_stringLength)
            {
                Internal.Runtime.CompilerHelpers.ThrowHelpers.ThrowIndexOutOfRangeException();
            }

            fixed (char* first = &_firstChar)
            {
                return first[index];
            }
        }
    }

    public ref readonly char GetPinnableReference() => ref _firstChar;
}

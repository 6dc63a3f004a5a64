using System.Collections.Generic;
using System.Linq;

namespace CapOS.Harness;

/// <summary>One write of a crash image: which log entry, and which of its sectors reach the disk (all of them
/// unless the write is torn; a 512-byte sector is atomic, a longer write is not, and a disk may persist any
/// subset of its sectors).</summary>
/// <param name="Entry">Index of the log entry.</param>
/// <param name="KeptSectors">For a torn write, the indices (from 0, ascending) of the sectors that reach the
/// disk: a non-empty proper subset; null for a whole write.</param>
public sealed record CrashWrite(int Entry, IReadOnlyList<int>? KeptSectors = null)
{
    /// <summary>True if only some of the write's sectors reach the disk.</summary>
    public bool Torn => KeptSectors is not null;

    /// <summary>True if sector <paramref name="index"/> of the write reaches the disk.</summary>
    public bool Keeps(int index) => KeptSectors is null || KeptSectors.Contains(index);

    /// <summary>E.g. <c>12</c>, or <c>12 torn (sectors 0,2,3 of 8)</c>.</summary>
    public string Describe(ulong length) =>
        KeptSectors is null ? $"{Entry}" : $"{Entry} torn (sectors {string.Join(',', KeptSectors)} of {length})";

    /// <summary>Structural equality (the sector list compares by content).</summary>
    public bool Equals(CrashWrite? other) =>
        other is not null && Entry == other.Entry
        && (KeptSectors is null ? other.KeptSectors is null : other.KeptSectors is not null && KeptSectors.SequenceEqual(other.KeptSectors));

    /// <inheritdoc/>
    public override int GetHashCode() => Entry;
}

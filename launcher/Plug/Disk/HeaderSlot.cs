using System;
using System.Globalization;
using CapOS.Kernel.DiskFormat;

namespace CapOS.Launcher.Plug.Disk;

/// <summary>One checkpoint header slot as recovery would judge it (<c>CheckpointHeader.Validate</c>).</summary>
/// <param name="Slot">0 or 1 (LID 0 or LID 1).</param>
/// <param name="Error">Why the slot is not trusted, or <see cref="FormatError.None"/>.</param>
/// <param name="Sequence">The header's sequence (0 unless valid).</param>
/// <param name="Migrated">The header's Migrated flag (false unless valid).</param>
public sealed record HeaderSlot(int Slot, FormatError Error, ulong Sequence, bool Migrated)
{
    /// <summary>True if recovery may choose this slot.</summary>
    public bool Valid => Error == FormatError.None;

    /// <summary>E.g. <c>slot 1: seq 12 migrated</c> or <c>slot 0: bad CRC</c>.</summary>
    public string Describe() =>
        Valid
            ? string.Create(CultureInfo.InvariantCulture, $"slot {Slot}: seq {Sequence}{(Migrated ? " migrated" : "")}")
            : string.Create(CultureInfo.InvariantCulture, $"slot {Slot}: {FormatErrors.Name(Error)}");

    /// <summary>Judges the 4096 bytes of slot <paramref name="slot"/> of a volume of <paramref name="geometry"/>.</summary>
    public static unsafe HeaderSlot Decode(ReadOnlySpan<byte> page, int slot, DiskGeometry geometry)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(page.Length, DiskLayout.PageSize);
        byte[] copy = page.ToArray();
        fixed (byte* bytes = copy)
        {
            var header = (CheckpointHeader*)bytes;
            FormatError error = CheckpointHeader.Validate(header, geometry.VolumeId, geometry.LogPageCount);
            return error == FormatError.None
                ? new HeaderSlot(slot, error, header->Sequence, (header->Flags & CheckpointFlags.Migrated) != 0)
                : new HeaderSlot(slot, error, 0, false);
        }
    }
}

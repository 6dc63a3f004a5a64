using System;
using System.Collections.Generic;
using System.IO;
using CapOS.Harness;
using CapOS.Kernel.DiskFormat;
using Xunit;

namespace CapOS.SystemTests;

/// <summary>
/// The disk one boot owns: a temporary copy of a pristine build image (artifacts/images/, which nothing boots
/// in place: never the user's persistent disk, disk/capos.img, which <c>./capos run</c> boots and moves on) or
/// of bytes a test made, deleted afterwards. So a test's result does not depend on what the user's system did. The store tests
/// damage it through the disk format's own structures (kernel/DiskFormat, host build), so every offset comes
/// from the code the kernel reads with, never from a hard-coded number (docs/disk-format.md).
/// </summary>
internal sealed unsafe class ScratchDisk : IDisposable
{
    private static readonly RepositoryLayout Layout = RepositoryLayout.Locate();
    private readonly DirectoryInfo _directory;

    private ScratchDisk(byte[] bytes)
    {
        _directory = Directory.CreateTempSubdirectory("capos-store-test-");
        Path = System.IO.Path.Combine(_directory.FullName, "disk.img");
        File.WriteAllBytes(Path, bytes);
    }

    /// <summary>The copy's path, for <see cref="QemuOptions.DiskImage"/>.</summary>
    public string Path { get; }

    /// <summary>A copy of artifacts/images/<paramref name="name"/> (capos.img, walk.img), which the solution build writes.</summary>
    public static ScratchDisk Of(string name)
    {
        string image = ArtifactImage(name);
        return new ScratchDisk(File.ReadAllBytes(image));
    }

    /// <summary>A disk holding exactly <paramref name="bytes"/>.</summary>
    public static ScratchDisk WithBytes(byte[] bytes) => new(bytes);

    /// <summary>The path of a shipped image; a missing one fails the test with the reason (never a skip).</summary>
    public static string ArtifactImage(string name)
    {
        string image = Layout.PristineImage(name);
        Assert.True(File.Exists(image), $"boot test needs artifacts/images/{name}, which imagegen's CapOSSystemImages target writes "
            + "during the solution build (dotnet build CapOS.sln); it is missing");
        return image;
    }

    public byte[] Bytes() => File.ReadAllBytes(Path);

    /// <summary>Inverts the byte at <paramref name="offset"/> (a one-byte flip is the smallest damage a CRC must catch).</summary>
    public void FlipByte(long offset)
    {
        byte[] bytes = Bytes();
        bytes[offset] ^= 0xFF;
        File.WriteAllBytes(Path, bytes);
    }

    /// <summary>Replaces disk page <paramref name="page"/> with <paramref name="content"/>.</summary>
    public void WritePage(ulong page, byte[] content)
    {
        byte[] bytes = Bytes();
        content.CopyTo(bytes, (long)page * DiskLayout.PageSize);
        File.WriteAllBytes(Path, bytes);
    }

    public byte[] ReadPage(ulong page) => Bytes().AsSpan((int)page * DiskLayout.PageSize, DiskLayout.PageSize).ToArray();

    /// <summary>Byte offset of the volume header's VolumeId field in volume header page <paramref name="page"/> (0 or 1).</summary>
    public static long VolumeIdOffset(ulong page)
    {
        VolumeHeader header = default;
        return ((long)page * DiskLayout.PageSize) + (long)((byte*)&header.VolumeId - (byte*)&header);
    }

    /// <summary>Disk page of log LID <paramref name="lid"/> (through the validated volume header).</summary>
    public ulong LogDiskPage(uint lid)
    {
        fixed (byte* volume = ReadPage(DiskLayout.VolumeHeaderPage))
        {
            Assert.Equal(FormatError.None, VolumeHeader.Validate((VolumeHeader*)volume, (ulong)new FileInfo(Path).Length / DiskLayout.PageSize));
            RangeDescriptor* log = VolumeHeader.Range((VolumeHeader*)volume, VolumeLayout.FindLogRange((VolumeHeader*)volume));
            return VolumeLayout.LogPage(log, lid);
        }
    }

    /// <summary>Byte offset of the checkpoint header's Sequence field in header slot LID <paramref name="lid"/>.</summary>
    public long SequenceOffset(uint lid)
    {
        CheckpointHeader header = default;
        return ((long)LogDiskPage(lid) * DiskLayout.PageSize) + (long)((byte*)&header.Sequence - (byte*)&header);
    }

    /// <summary>The checkpoint header in slot LID 0 (the one imagegen writes); its CRC must hold.</summary>
    public CheckpointHeader Header0()
    {
        fixed (byte* page = ReadPage(LogDiskPage(DiskLayout.HeaderLid0)))
        {
            Assert.True(PageSeal.Verify(page), "LID 0 of a shipped image must hold a sealed checkpoint header");
            return *(CheckpointHeader*)page;
        }
    }

    /// <summary>Disk page of directory page <paramref name="index"/> of the checkpoint in LID 0.</summary>
    public ulong DirectoryDiskPage(uint index) => LogDiskPage(Header0().DirectoryFirst + index);

    /// <summary>Byte offset of entry <paramref name="entry"/> of directory page <paramref name="index"/>.</summary>
    public long DirectoryEntryOffset(uint index, int entry) =>
        ((long)DirectoryDiskPage(index) * DiskLayout.PageSize) + DirectoryPage.EntriesOffset + ((long)entry * DirectoryEntry.Size);

    /// <summary>Every entry of the checkpoint in LID 0's directory, read as the kernel's structures.</summary>
    public List<DirectoryEntry> DirectoryEntries()
    {
        var entries = new List<DirectoryEntry>();
        CheckpointHeader header = Header0();
        for (uint i = 0; i < header.DirectoryPageCount; i++)
        {
            fixed (byte* page = ReadPage(DirectoryDiskPage(i)))
            {
                for (int e = 0; e < ((DirectoryPage*)page)->EntryCount; e++)
                {
                    entries.Add(*DirectoryPage.Entry((DirectoryPage*)page, e));
                }
            }
        }

        return entries;
    }

    public void Dispose() => _directory.Delete(recursive: true);
}

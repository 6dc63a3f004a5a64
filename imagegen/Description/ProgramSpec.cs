using System;
using System.Collections.Generic;
using System.IO;
using CapOS.Kernel.DiskFormat;

namespace CapOS.ImageGen.Description;

/// <summary>
/// <c>program &lt;name&gt; elf "&lt;path&gt;"</c>: a user program's static ELF64 image cut into pages
/// (docs/imagegen.md "Programs"). The program's read-only pages are objects of their own, declared at the
/// program line and shared by every process that runs it; its writable pages are copied into each process.
/// </summary>
/// <remarks>
/// I1 (`ProgramTests.WritableExecutablePageIsAnError`): no page is both writable and executable, so
///    "executable" is visible in the image: code is mapped read-only (keys carry no execute right).
/// I2: a page's rights are the union over the segments touching it (text and rodata share a page).
/// </remarks>
internal sealed class ProgramSpec
{
    /// <summary>Largest image a program may have, in pages (256 MiB).</summary>
    public const int MaxPages = 65536;

    private ProgramSpec(string name, SourcePosition position, ulong entry)
    {
        Name = name;
        Position = position;
        Entry = entry;
    }

    public string Name { get; }

    /// <summary>Where the ELF path was written.</summary>
    public SourcePosition Position { get; }

    /// <summary>The ELF's entry point: every process of the program starts there.</summary>
    public ulong Entry { get; }

    /// <summary>The image by page address.</summary>
    public SortedDictionary<ulong, ProgramPage> Pages { get; } = new();

    /// <summary>The read-only pages' objects by page address (declared at the program line, shared).</summary>
    public Dictionary<ulong, PageSpec> SharedPages { get; } = new();

    /// <summary>Reads <paramref name="path"/> (relative to <paramref name="artifacts"/>) and cuts it into pages.</summary>
    public static ProgramSpec Load(string name, Token path, string artifacts)
    {
        string full = Path.GetFullPath(Path.Combine(artifacts, path.Text));
        byte[] file;
        try
        {
            file = File.ReadAllBytes(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DescriptionException(path.Position, $"cannot read program '{path.Text}' ({full}): {e.Message} (program paths are relative to the artifacts folder; build the user programs first)");
        }

        ElfImage elf = ElfReader.Read(file, path.Text, path.Position);
        var program = new ProgramSpec(name, path.Position, elf.Entry);
        foreach (ElfSegment segment in elf.Segments)
        {
            program.AddSegment(segment, file, path);
        }

        return program;
    }

    private void AddSegment(ElfSegment segment, byte[] file, Token path)
    {
        const ulong pageSize = DiskLayout.PageSize;
        for (ulong page = segment.VirtualAddress & ~(pageSize - 1); page < segment.End; page += pageSize)
        {
            Pages.TryGetValue(page, out ProgramPage? earlier);
            if (earlier is null && Pages.Count == MaxPages)
            {
                throw new DescriptionException(path.Position, $"'{path.Text}' needs more than {MaxPages} pages");
            }

            byte[]? content = earlier?.Content;
            ulong copyStart = Math.Max(page, segment.VirtualAddress);
            ulong copyEnd = Math.Min(page + pageSize, segment.VirtualAddress + segment.FileSize);
            if (copyStart < copyEnd)
            {
                content ??= new byte[pageSize];
                file.AsSpan((int)(segment.FileOffset + (copyStart - segment.VirtualAddress)), (int)(copyEnd - copyStart))
                    .CopyTo(content.AsSpan((int)(copyStart - page)));
            }

            var merged = new ProgramPage(content, segment.Writable || earlier?.Writable == true, segment.Executable || earlier?.Executable == true);
            if (merged.Writable && merged.Executable)
            {
                throw new DescriptionException(path.Position, $"'{path.Text}': page 0x{page:x} would be writable and executable (segment {segment.Index} {segment}); link writable data page-aligned apart from code");
            }

            Pages[page] = merged;
        }
    }
}

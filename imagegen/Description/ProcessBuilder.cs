using System.Collections.Generic;
using CapOS.Kernel.Arch.X64;
using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.NodeTree;
using CapOS.Kernel.Process;

namespace CapOS.ImageGen.Description;

/// <summary>
/// Builds the objects of a process (docs/process.md "Definitions", docs/imagegen.md "Processes"), declared
/// in this order: the root node (named after the process), the key registers node (<c>name/keys</c>), the
/// register annex page (<c>name/annex</c>), the process's own pages in address order (writable program
/// pages <c>name/page@0x..</c>, copies of the program's; stack pages <c>name/stack@0x..</c>, zero), then the
/// segment nodes of its address space (AddressSpaceBuilder). Read-only program pages are the program's
/// shared objects.
/// </summary>
/// <remarks>
/// Root slots: 0 sched key (priority), 1 keeper (void unless given), 2 segment key of the space with its
/// height, 3 node key to the key registers node, 4 page key to the annex, 6 brand (void unless given),
/// 8 number key (RunState.Running, fault code 0, 0), 9 number key 0 (no fault info); the rest void. The
/// annex is RegisterAnnex.Initialize(rip = the program's entry, rsp = the stack top).
/// </remarks>
internal static unsafe class ProcessBuilder
{
    public static void Build(ProcessSpec process, SystemDescription description)
    {
        ValidateStack(process);
        process.Root = new NodeSpec(process.Name, process.Position, description.Objects.Count);
        description.Declare(process.Root);
        process.KeyRegisters = new NodeSpec($"{process.Name}/keys", process.Position, description.Objects.Count);
        description.Declare(process.KeyRegisters);
        var annex = new PageSpec($"{process.Name}/annex", process.Position, description.Objects.Count) { Content = Annex(process) };
        description.Declare(annex);

        var space = new SortedDictionary<ulong, MappedPage>();
        foreach ((ulong address, ProgramPage page) in process.Program.Pages)
        {
            space[address] = page.Writable
                ? new MappedPage(DeclarePage(description, $"{process.Name}/page@0x{address:x}", process.Position, page.Content), false)
                : new MappedPage(process.Program.SharedPages[address], true);
        }

        for (ulong address = process.StackTop - (process.StackPages * DiskLayout.PageSize); address < process.StackTop; address += DiskLayout.PageSize)
        {
            space[address] = new MappedPage(DeclarePage(description, $"{process.Name}/stack@0x{address:x}", process.Position, null), false);
        }

        NodeSpec root = process.Root;
        SourcePosition at = process.Position;
        root.Slots[ProcessRoot.Schedule] = new KeySpec(KeyType.Sched, at) { KeyData = (ushort)process.Priority };
        root.Slots[ProcessRoot.AddressSpace] = AddressSpaceBuilder.Build(process.Name, space, at, description);
        root.Slots[ProcessRoot.KeyRegisters] = new KeySpec(KeyType.Node, at) { Target = process.KeyRegisters.Name, TargetPosition = at };
        root.Slots[ProcessRoot.RegisterAnnex] = new KeySpec(KeyType.Page, at) { Target = annex.Name, TargetPosition = at };
        root.Slots[ProcessRoot.State] = new KeySpec(KeyType.Number, at) { Word0 = (uint)RunState.Running };
        root.Slots[ProcessRoot.FaultInfo] = new KeySpec(KeyType.Number, at);
    }

    /// <summary>Declares the program's read-only pages, shared by the processes that run it.</summary>
    public static void DeclareSharedPages(ProgramSpec program, SystemDescription description)
    {
        foreach ((ulong address, ProgramPage page) in program.Pages)
        {
            if (!page.Writable)
            {
                program.SharedPages[address] = DeclarePage(description, $"{program.Name}/ro@0x{address:x}", program.Position, page.Content);
            }
        }
    }

    public static PageSpec DeclarePage(SystemDescription description, string name, SourcePosition position, byte[]? content)
    {
        var page = new PageSpec(name, position, description.Objects.Count)
        {
            Content = content is not null && System.Array.TrueForAll(content, b => b == 0) ? null : content,
        };
        description.Declare(page);
        return page;
    }

    private static void ValidateStack(ProcessSpec process)
    {
        ulong top = process.StackTop;
        ulong bytes = process.StackPages * DiskLayout.PageSize;
        if (bytes > top)
        {
            throw new DescriptionException(process.Position, $"the stack of process '{process.Name}' ({process.StackPages} pages) does not fit below 0x{top:x}");
        }

        if (top % DiskLayout.PageSize != 0 || top > ElfReader.UserLimit)
        {
            throw new DescriptionException(process.Position, $"the stack [0x{top - bytes:x}, 0x{top:x}) of process '{process.Name}' is not page-aligned inside the user half (0 .. 0x{ElfReader.UserLimit:x})");
        }

        foreach (ulong address in process.Program.Pages.Keys)
        {
            if (address >= top - bytes && address < top)
            {
                throw new DescriptionException(process.Position, $"the stack [0x{top - bytes:x}, 0x{top:x}) of process '{process.Name}' overlaps program '{process.Program.Name}' at page 0x{address:x}");
            }
        }
    }

    private static byte[] Annex(ProcessSpec process)
    {
        var page = new byte[RegisterAnnex.Size];
        fixed (byte* bytes = page)
        {
            RegisterAnnex.Initialize((RegisterAnnex*)bytes, process.Program.Entry, process.StackTop);
        }

        return page;
    }
}

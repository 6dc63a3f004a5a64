using System.Collections.Generic;
using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.NodeTree;

namespace CapOS.ImageGen.Description;

/// <summary>
/// <c>template &lt;name&gt; program &lt;program&gt; [stack-top A]</c> (docs/imagegen.md "Program templates"): a program's
/// pages as a segment tree of height 7 with no process, the address-space template a constructor holds. Built as a
/// process's space is (AddressSpaceBuilder: code pages are the program's shared read-only pages, the writable pages
/// are the template's own copies <c>name/page@0x..</c>) but with no stack pages: the virtual copy keeper fills the
/// untouched stack with zero. Its keys: <c>template NAME</c> (a weak, read-only, no-call segment key of height 7:
/// discreet by discrim) and <c>template-entry NAME</c> (a number key: the entry PC and the stack top, <see cref="Pack"/>).
/// </summary>
/// <remarks>
/// T1 The template holds no stack page and the stack's first page is not a program page (stack-top validated as a
///    process's is): TemplateTests.ATemplateHasTheProgramsPagesAndNoStack, AStackTopOverTheProgramIsAnError.
/// T2 The template key is weak, read-only and no-call with height 7, whatever the description says around it:
///    TemplateTests.TheTemplateKeyIsAWeakReadOnlyNoCallHeightSevenSegmentKey.
/// </remarks>
internal sealed class TemplateSpec
{
    /// <summary>The template key's height: the whole user half, as the virtual copy keeper's copies are.</summary>
    public const int Height = AddressSpaceBuilder.MaxHeight;

    /// <summary>The rights of every template key (T2): discreet by discrim, and it lends nothing writable.</summary>
    public const KeyRights Rights = KeyRights.ReadOnly | KeyRights.Weak | KeyRights.NoCall;

    /// <summary>Bits of the number key's payload that hold the entry PC; the stack top is in the 48 bits above.</summary>
    public const int AddressBits = 48;

    public TemplateSpec(string name, SourcePosition position, ProgramSpec program)
    {
        Name = name;
        Position = position;
        Program = program;
    }

    public string Name { get; }

    public SourcePosition Position { get; }

    public ProgramSpec Program { get; }

    /// <summary>The stack top an instance starts with (its RSP); nothing is declared below it.</summary>
    public ulong StackTop { get; set; } = ProcessSpec.DefaultStackTop;

    /// <summary>The top node's name (height 7), which the template key names.</summary>
    public string TopName => $"{Name}/seg@0x0:h{Height}";

    /// <summary>Declares the template's own pages and its segment nodes (T1).</summary>
    public void Build(SystemDescription description)
    {
        ulong top = StackTop;
        if (top % DiskLayout.PageSize != 0 || top > ElfReader.UserLimit || top < DiskLayout.PageSize)
        {
            throw new DescriptionException(Position, $"the stack top 0x{top:x} of template '{Name}' is not page-aligned inside the user half (0x1000 .. 0x{ElfReader.UserLimit:x})");
        }

        if (Program.Pages.ContainsKey(top - DiskLayout.PageSize))
        {
            throw new DescriptionException(Position, $"the stack below 0x{top:x} of template '{Name}' overlaps program '{Program.Name}' at page 0x{top - DiskLayout.PageSize:x}");
        }

        var space = new SortedDictionary<ulong, MappedPage>();
        foreach ((ulong address, ProgramPage page) in Program.Pages)
        {
            space[address] = page.Writable
                ? new MappedPage(ProcessBuilder.DeclarePage(description, $"{Name}/page@0x{address:x}", Position, page.Content), false)
                : new MappedPage(Program.SharedPages[address], true);
        }

        AddressSpaceBuilder.Build(Name, space, Position, description, Height);
    }

    /// <summary>The template key (T2).</summary>
    public KeySpec Key(SourcePosition at) =>
        new(KeyType.Segment, at) { Target = TopName, TargetPosition = at, Rights = Rights, KeyData = Height };

    /// <summary>The entry number key's payload: PC in bits 0..47, stack top in bits 48..95 (word 0 least significant).</summary>
    public void Pack(KeySpec key)
    {
        ulong pc = Program.Entry;
        key.Word0 = (uint)pc;
        key.Word1 = (uint)(pc >> 32) | (uint)(StackTop << 16);
        key.Word2 = (uint)(StackTop >> 16);
    }
}

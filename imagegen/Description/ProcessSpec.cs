namespace CapOS.ImageGen.Description;

/// <summary>
/// <c>process &lt;name&gt; program &lt;program&gt; [stack-pages N] [stack-top A] [priority P]</c> with its
/// <c>key N = &lt;key&gt;</c>, <c>brand = &lt;key&gt;</c> and <c>keeper = &lt;key&gt;</c> lines (docs/imagegen.md
/// "Processes"): a process that runs a program from its entry point, built by ProcessBuilder as a process
/// root (kernel ProcessRoot), its key registers node, its register annex page and its address space.
/// </summary>
internal sealed class ProcessSpec
{
    /// <summary>The stack's default size in pages (the boot-module loader's, kernel UserMode.StackPages).</summary>
    public const ulong DefaultStackPages = 4;

    /// <summary>The stack's default top, the initial RSP (the boot-module loader's, kernel UserMode.StackTop).</summary>
    public const ulong DefaultStackTop = 0x00007FFFFFFF0000;

    /// <summary>The default priority of the process's sched key.</summary>
    public const ulong DefaultPriority = 8;

    /// <summary>Most stack pages a description may ask for (4 MiB).</summary>
    public const ulong MaxStackPages = 1024;

    public ProcessSpec(string name, SourcePosition position, ProgramSpec program)
    {
        Name = name;
        Position = position;
        Program = program;
    }

    /// <summary>The process's name, which is also its root node's: `start`, `resume` and `process` keys may name it.</summary>
    public string Name { get; }

    public SourcePosition Position { get; }

    public ProgramSpec Program { get; }

    public ulong StackPages { get; set; } = DefaultStackPages;

    public ulong StackTop { get; set; } = DefaultStackTop;

    public ulong Priority { get; set; } = DefaultPriority;

    /// <summary>The process root node (built by ProcessBuilder).</summary>
    public NodeSpec Root { get; set; } = null!;

    /// <summary>The key registers node: `key N` lines fill its slots 1..31.</summary>
    public NodeSpec KeyRegisters { get; set; } = null!;
}

using System.Collections.Generic;
using CapOS.Kernel.DiskFormat;

namespace CapOS.ImageGen.Description;

/// <summary>
/// A parsed system description (docs/imagegen.md): volume geometry, checkpoint configuration, the named
/// objects in declaration order and the walk root. Produced by DescriptionParser, consumed by ImageBuilder.
/// </summary>
internal sealed class SystemDescription
{
    public string SourceFile { get; set; } = "";

    public string VolumeName { get; set; } = "";

    /// <summary>The volume id: explicit, or FNV-1a 64 of the volume name.</summary>
    public ulong VolumeId { get; set; }

    /// <summary>Pages of the log range; null = derived from checkpoint #1's size.</summary>
    public ulong? LogPages { get; set; }

    public SourcePosition LogPosition { get; set; }

    public uint CheckpointIntervalMs { get; set; } = DiskLayout.DefaultCheckpointIntervalMs;

    public uint LogThresholdPercent { get; set; } = DiskLayout.DefaultLogThresholdPercent;

    public RangeSpec NodeRange { get; } = new(DefaultNodeFirstOid);

    public RangeSpec PageRange { get; } = new(DefaultPageFirstOid);

    public LogSelectionKind LogSelection { get; set; } = LogSelectionKind.All;

    public int LogCount { get; set; }

    /// <summary>The walk root's name (a node), or null.</summary>
    public string? Root { get; set; }

    public SourcePosition RootPosition { get; set; }

    /// <summary>Every object in declaration order.</summary>
    public List<ObjectSpec> Objects { get; } = new();

    /// <summary>Objects by name.</summary>
    public Dictionary<string, ObjectSpec> ByName { get; } = new(System.StringComparer.Ordinal);

    /// <summary>Programs by name (not objects: a program declares its read-only pages).</summary>
    public Dictionary<string, ProgramSpec> Programs { get; } = new(System.StringComparer.Ordinal);

    /// <summary>Program templates by name (not objects: each declares its pages and segment nodes).</summary>
    public Dictionary<string, TemplateSpec> Templates { get; } = new(System.StringComparer.Ordinal);

    /// <summary>Zero spaces by name (<see cref="ZeroSpace"/>: not objects themselves, each declares eight).</summary>
    public Dictionary<string, SourcePosition> ZeroSpaces { get; } = new(System.StringComparer.Ordinal);

    /// <summary>Processes in declaration order: checkpoint #1's restart list.</summary>
    public List<ProcessSpec> Processes { get; } = new();

    /// <summary>
    /// Adds <paramref name="spec"/> at the end of the declaration order. Its name must be new: objects a template, a
    /// process or a zero space declare are named after it (e.g. <c>P/page@0x402000</c>), so a template and a process
    /// of one name collide here, an error at the later declaration.
    /// </summary>
    public void Declare(ObjectSpec spec)
    {
        if (ByName.TryGetValue(spec.Name, out ObjectSpec? earlier))
        {
            throw new DescriptionException(spec.Position,
                $"'{spec.Name}' is already declared at line {earlier.Position.Line}: a template, process or zero space names its objects after itself, so give them different names");
        }

        Objects.Add(spec);
        ByName.Add(spec.Name, spec);
    }

    /// <summary>Default first node OID.</summary>
    public const ulong DefaultNodeFirstOid = 0x1000;

    /// <summary>Default first page OID.</summary>
    public const ulong DefaultPageFirstOid = 0x100000;
}

/// <summary>An object range's OID interval: first OID and size (explicit, or the objects + slack).</summary>
internal sealed class RangeSpec
{
    public RangeSpec(ulong firstOid) => FirstOid = firstOid;

    public ulong FirstOid { get; set; }

    /// <summary>Explicit OID count, or null.</summary>
    public ulong? OidCount { get; set; }

    /// <summary>Extra OIDs beyond the declared objects (blank nodes, zero pages).</summary>
    public ulong Slack { get; set; }

    public SourcePosition Position { get; set; }
}

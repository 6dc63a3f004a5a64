using System;
using System.Collections.Generic;
using CapOS.Kernel.Arch.X64;
using CapOS.Kernel.Boot;
using CapOS.Kernel.Checkpoint;
using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.Memory;
using CapOS.Kernel.NodeTree;
using CapOS.Kernel.Process;
using CapOS.Kernel.Tests.Checkpoint;
using Xunit;

namespace CapOS.Kernel.Tests.Process;

/// <summary>
/// Processes stored in nodes for host tests, laid out as imagegen lays them out (docs/process.md): per process
/// a root (slots per ProcessRoot), a key registers node and a register annex page, all on checkpoint #1's
/// restart list. <see cref="Boot"/> recovers the image on a simulated machine with the running checkpoint
/// (CheckpointerTestRig), a page allocator and a process table, and restarts the processes.
/// </summary>
internal sealed unsafe class StoredProcesses
{
    public const ulong StartPc = 0x401000;
    public const ulong StackTop = 0x7FFF0000;
    private const ulong TableAt = 24UL * 1024 * 1024;

    private readonly VolumeBuilder _builder;
    private readonly List<Oid> _roots = [];

    /// <summary>A volume of 400 pages and 100 nodes with a log of <paramref name="logPages"/> pages.</summary>
    public StoredProcesses(ulong logPages = 256) => _builder = new(pageOids: 400, nodeOids: 100, logPages: logPages);

    /// <summary>The volume being built (a test adds its own pages and nodes).</summary>
    public VolumeBuilder Builder => _builder;

    /// <summary>The root OID of process <paramref name="index"/> (0-based, in the order added).</summary>
    public Oid Root(int index) => _roots[index];

    /// <summary>The annex page OID of process <paramref name="index"/>.</summary>
    public Oid Annex(int index) => _builder.PageOid((ulong)index);

    /// <summary>The page OIDs free for a test's own use (after every annex).</summary>
    public Oid FreePage(ulong index) => _builder.PageOid(64 + index);

    /// <summary>The node OIDs free for a test's own use (after every process's two nodes).</summary>
    public Oid FreeNode(ulong index) => _builder.NodeOid(64 + index);

    /// <summary>Puts node <paramref name="oid"/> with <paramref name="node"/>'s slots in checkpoint #1.</summary>
    public StoredProcesses Node(Oid oid, VolumeBuilder.NodeModel node)
    {
        _builder.LogNode(oid, node);
        return this;
    }

    /// <summary>The root OID process <paramref name="index"/> gets (known before it is added, for keys to it).</summary>
    public Oid RootOf(int index) => _builder.NodeOid((ulong)(2 * index));

    /// <summary>The key registers node OID of process <paramref name="index"/>.</summary>
    public Oid KeyRegistersOf(int index) => _builder.NodeOid((ulong)((2 * index) + 1));

    /// <summary>
    /// Adds a process in <paramref name="state"/> whose key registers hold <paramref name="keys"/> (register ->
    /// key; a <see cref="KeyType.Process"/> key with a null OID designates the process itself), on the restart
    /// list with <paramref name="restartAllocCount"/>; <paramref name="change"/> edits the root before it is written.
    /// </summary>
    public StoredProcesses Add(RunState state, IReadOnlyDictionary<int, Key>? keys = null,
        Func<VolumeBuilder.NodeModel, VolumeBuilder.NodeModel>? change = null, uint restartAllocCount = 0)
    {
        int index = _roots.Count;
        Oid root = _builder.NodeOid((ulong)(2 * index));
        Oid registers = _builder.NodeOid((ulong)((2 * index) + 1));
        _roots.Add(root);
        var rootNode = new VolumeBuilder.NodeModel()
            .With(ProcessRoot.Schedule, Key.Kernel(KeyType.Sched, 8))
            .With(ProcessRoot.KeyRegisters, Key.Object(KeyType.Node, registers, 0, KeyRights.None, 0))
            .With(ProcessRoot.RegisterAnnex, Key.Object(KeyType.Page, Annex(index), 0, KeyRights.None, 0))
            .With(ProcessRoot.State, Key.Number((uint)state, 0, 0));
        rootNode = change?.Invoke(rootNode) ?? rootNode;
        _builder.LogNode(root, rootNode);
        var registersNode = new VolumeBuilder.NodeModel();
        foreach ((int register, Key key) in keys ?? new Dictionary<int, Key> { [1] = Key.Kernel(KeyType.Console, 0) })
        {
            registersNode.With(register, key.Type == KeyType.Process && key.Oid.IsNull ? Key.Object(KeyType.Process, root, 0, KeyRights.None, 0) : key);
        }

        _builder.LogNode(registers, registersNode);
        byte[] annex = new byte[DiskLayout.PageSize];
        fixed (byte* page = annex)
        {
            RegisterAnnex.Initialize((RegisterAnnex*)page, StartPc, StackTop);
        }

        _builder.LogPage(Annex(index), annex);
        _builder.Restarts.Add((root, restartAllocCount));
        return this;
    }

    /// <summary>The disk image.</summary>
    public byte[] Build() => _builder.Build();

    /// <summary>Boots <see cref="Build"/>'s image (or <paramref name="image"/>) and restarts its processes.</summary>
    public CheckpointerTestRig Boot(byte[]? image = null, bool restart = true, uint pageFrames = 32, uint nodeFrames = 32)
    {
        var rig = new CheckpointerTestRig(image ?? Build(), pageFrames, nodeFrames);
        BootInfo boot = default;
        boot.AddRegion(TableAt, 8UL * 1024 * 1024, MemoryKind.Usable);
        Assert.True(PageAllocator.Initialize(&boot));
        Assert.True(AddressSpaces.InitializeFromPageAllocator(tables: 16, depends: 64, writables: 16));
        Assert.True(ProcessTable.Initialize(4));
        if (restart)
        {
            ProcessTable.Restart(Store.Header);
        }

        return rig;
    }

    /// <summary>The loaded entry of process <paramref name="index"/>.</summary>
    public ProcessEntry* Entry(int index)
    {
        ProcessEntry* entry = ProcessTable.Find(Root(index));
        Assert.True(entry != null, $"process {index} is not loaded");
        return entry;
    }
}

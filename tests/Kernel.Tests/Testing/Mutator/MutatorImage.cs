using System;
using System.Collections.Generic;
using System.Globalization;
using CapOS.Kernel.Checkpoint;
using CapOS.Kernel.Testing.Mutator;
using CapOS.Kernel.NodeTree;
using CapOS.Kernel.Tests.Checkpoint;
using Xunit;

namespace CapOS.Kernel.Tests.Testing.Mutator;

/// <summary>
/// The system/plug.sys structure built with <see cref="VolumeBuilder"/> (docs/mutator.md "Definitions"), and
/// the helpers of the mutator tests: a run that behaves like the idle loop, and the K1/K2 lines read back.
/// </summary>
internal static class MutatorImage
{
    /// <summary>Cache frames of the tests: the campaign's (K5), smaller than the structure.</summary>
    public const uint Frames = 64;

    // Node indexes: root, ring, holder, page directories, leaf directories, node victims, leaves.
    private const ulong Ring = 1;
    private const ulong Holder = Ring + Workload.RingLength;
    private const ulong PageDirectories = Holder + 1;
    private const ulong LeafDirectories = PageDirectories + Workload.PageDirectories;
    private const ulong NodeVictims = LeafDirectories + Workload.LeafDirectories;
    private const ulong Leaves = NodeVictims + (Workload.Victims - Workload.PageVictims);

    // Page indexes: counter, page victims, data pages.
    private const ulong DataPages = 1 + Workload.PageVictims;

    public static Oid LeafOid(int leaf) => new(0x100000 + Leaves + (ulong)leaf);

    public static byte[] Build()
    {
        var b = new VolumeBuilder(pageOids: 128, nodeOids: 128, logPages: 256);
        var root = new VolumeBuilder.NodeModel()
            .With(Workload.CounterSlot, PageKey(b, 0))
            .With(Workload.RingSlot, NodeKey(b, Ring))
            .With(Workload.HolderSlot, NodeKey(b, Holder));
        for (ulong d = 0; d < Workload.PageDirectories; d++)
        {
            root.With(Workload.FirstPageDirectorySlot + (int)d, NodeKey(b, PageDirectories + d));
            var directory = new VolumeBuilder.NodeModel();
            for (ulong i = 0; i < 32; i++)
            {
                directory.With((int)i, PageKey(b, DataPages + (d * 32) + i));
            }

            b.Node(b.NodeOid(PageDirectories + d), directory);
        }

        for (ulong d = 0; d < Workload.LeafDirectories; d++)
        {
            root.With(Workload.FirstLeafDirectorySlot + (int)d, NodeKey(b, LeafDirectories + d));
            var directory = new VolumeBuilder.NodeModel();
            for (ulong i = 0; i < 32; i++)
            {
                directory.With((int)i, NodeKey(b, Leaves + (d * 32) + i));
            }

            b.Node(b.NodeOid(LeafDirectories + d), directory);
        }

        b.Node(b.NodeOid(0), root);
        for (ulong r = 0; r < Workload.RingLength; r++)
        {
            b.Node(b.NodeOid(Ring + r), new VolumeBuilder.NodeModel().With(0, NodeKey(b, Ring + ((r + 1) % Workload.RingLength))));
        }

        var holder = new VolumeBuilder.NodeModel();
        for (int v = 0; v < Workload.Victims; v++)
        {
            holder.With(2 * v, v < Workload.PageVictims ? PageKey(b, 1 + (ulong)v) : NodeKey(b, NodeVictims + (ulong)(v - Workload.PageVictims)));
        }

        b.Node(b.NodeOid(Holder), holder);
        return b.Build();
    }

    private static Key PageKey(VolumeBuilder b, ulong index) => Key.Object(KeyType.Page, b.PageOid(index), 0, KeyRights.None, 0);

    private static Key NodeKey(VolumeBuilder b, ulong index) => Key.Object(KeyType.Node, b.NodeOid(index), 0, KeyRights.None, 0);

    /// <summary>
    /// Like the idle loop: pump, and once per "tick" a batch of steps, until <paramref name="steps"/> steps are
    /// done; a checkpoint is taken when the interval-less rig is asked for one (budget, reservation) and after
    /// every <paramref name="stepsPerCheckpoint"/> steps. Then drains.
    /// </summary>
    public static void Run(int steps, int stepsPerCheckpoint)
    {
        int done = 0;
        int sinceCheckpoint = 0;
        for (int tick = 0; done < steps; tick++)
        {
            Assert.True(tick < 100000, $"mutator stuck after {done} steps:\n{ConsoleTail()}");
            Checkpointer.Pump();
            int n = Workload.RunSteps(Math.Min(4, steps - done));
            done += n;
            sinceCheckpoint += n;
            if (sinceCheckpoint >= stepsPerCheckpoint)
            {
                Checkpointer.Request(CheckpointReason.Interval);
                sinceCheckpoint = 0;
            }
        }

        Checkpointer.Request(CheckpointReason.Interval);
        for (int i = 0; i < 4; i++)
        {
            Checkpointer.Drain();
            Checkpointer.Pump();
        }

        Checkpointer.Drain();
    }

    private static string ConsoleTail()
    {
        string console = Host.SimulatedMachine.Current?.ConsoleText ?? string.Empty;
        return console.Length > 2000 ? console[^2000..] : console;
    }

    /// <summary>The (step, digest) of every `mutator: snapshot` line (K1), by sequence.</summary>
    public static Dictionary<ulong, (ulong Step, string Digest)> Snapshots(string console)
    {
        var snapshots = new Dictionary<ulong, (ulong, string)>();
        foreach (string line in console.Split('\n'))
        {
            if (line.StartsWith("mutator: snapshot seq=", StringComparison.Ordinal))
            {
                snapshots[Field(line, "seq")] = (Field(line, "step"), Text(line, "digest"));
            }
        }

        return snapshots;
    }

    /// <summary>The (seq, step, digest) of the `mutator: recovered` line (K2).</summary>
    public static (ulong Sequence, ulong Step, string Digest) Recovered(string console)
    {
        foreach (string line in console.Split('\n'))
        {
            if (line.StartsWith("mutator: recovered seq=", StringComparison.Ordinal))
            {
                return (Field(line, "seq"), Field(line, "step"), Text(line, "digest"));
            }
        }

        throw new Xunit.Sdk.XunitException("no `mutator: recovered` line:\n" + console);
    }

    /// <summary>The highest sequence a `checkpoint: committed` line announced (1: the image's own).</summary>
    public static ulong CommittedFloor(string console)
    {
        ulong floor = 1;
        foreach (string line in console.Split('\n'))
        {
            if (line.StartsWith("checkpoint: committed seq=", StringComparison.Ordinal))
            {
                floor = Field(line, "seq");
            }
        }

        return floor;
    }

    private static ulong Field(string line, string name) => ulong.Parse(Text(line, name), CultureInfo.InvariantCulture);

    private static string Text(string line, string name)
    {
        int at = line.IndexOf(" " + name + "=", StringComparison.Ordinal) + name.Length + 2;
        int end = line.IndexOf(' ', at);
        return end < 0 ? line[at..] : line[at..end];
    }
}

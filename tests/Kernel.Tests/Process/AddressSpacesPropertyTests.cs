using System;
using System.Collections.Generic;
using CapOS.Kernel.Checkpoint;
using CapOS.Kernel.NodeTree;
using CapOS.Kernel.ObjectCache;
using CapOS.Kernel.Process;
using CapOS.Kernel.Tests.Checkpoint;
using Xunit;

namespace CapOS.Kernel.Tests.Process;

/// <summary>
/// The judge over random trees: after every operation (faults, slot changes, evictions, snapshots,
/// write-protection, dropping all) every translation the simulated MMU yields, through its TLB and from
/// the tables alone, equals a fresh segment walk (P5, P6, P7, P8; DependTable D1, D2; WritableMappings W1).
/// Seeded: a failure names its seed and step.
/// </summary>
public sealed unsafe class AddressSpacesPropertyTests
{
    private const int Pages = 12;
    private const int Holders = 3;
    private const int SegmentNodes = 12;
    private static readonly int[] s_slots = [0, 1, 2, 3, 31];

    /// <summary>A segment node whose natural height (1 + index % 3) is <paramref name="height"/> (most of the time), else any.</summary>
    private static Oid RandomNode(Random random, VolumeBuilder b, int height)
    {
        int n = random.Next(SegmentNodes);
        if (height >= 1 && height <= 3 && random.Next(100) < 85)
        {
            n = (n / 3 * 3) + (height - 1);
        }

        return b.NodeOid((ulong)(Holders + n));
    }

    /// <summary>Mostly well-formed keys for a slot of a node of <paramref name="parentHeight"/>, with some of every malformed kind.</summary>
    private static Key RandomKey(Random random, VolumeBuilder b, int parentHeight)
    {
        int roll = random.Next(100);
        KeyRights rights = random.Next(100) switch
        {
            < 12 => KeyRights.ReadOnly,
            < 16 => KeyRights.Weak,
            < 19 => KeyRights.NoCall,
            _ => KeyRights.None,
        };
        if (roll < 8)
        {
            return Key.Void;
        }

        if (roll < 11)
        {
            return Key.Number((uint)random.Next(), 0, 0);
        }

        if (parentHeight <= 1 ? roll < 85 : roll < 30)
        {
            return SpaceRig.PageKey(b.PageOid((ulong)random.Next(Pages)), rights & KeyRights.ReadOnly, random.Next(100) < 4 ? 7u : 1u);
        }

        int height = random.Next(100) < 80 ? parentHeight - 1 : random.Next(0, parentHeight + 1);
        return SpaceRig.Segment(RandomNode(random, b, height), height, rights);
    }

    private static Key RandomSpaceKey(Random random, VolumeBuilder b)
    {
        if (random.Next(100) < 8)
        {
            return SpaceRig.PageKey(b.PageOid((ulong)random.Next(Pages)));
        }

        int height = random.Next(100) < 75 ? 3 : 2;
        return SpaceRig.Segment(RandomNode(random, b, height), height, random.Next(100) < 12 ? KeyRights.ReadOnly : KeyRights.None);
    }

    private static VolumeBuilder RandomTree(Random random)
    {
        var b = new VolumeBuilder();
        for (ulong p = 0; p < Pages; p++)
        {
            b.Page(b.PageOid(p), SpaceRig.PageData(p), 1);
        }

        for (int h = 0; h < Holders; h++)
        {
            b.Node(b.NodeOid((ulong)h), new VolumeBuilder.NodeModel { AllocCount = 1 }.With(SpaceRig.Slot, RandomSpaceKey(random, b)));
        }

        for (int n = 0; n < SegmentNodes; n++)
        {
            var node = new VolumeBuilder.NodeModel { AllocCount = 1 };
            int height = 1 + (n % 3);
            foreach (int slot in s_slots)
            {
                node.With(slot, RandomKey(random, b, height));
            }

            b.Node(b.NodeOid((ulong)(Holders + n)), node);
        }

        return b;
    }

    private static List<ulong> Addresses()
    {
        var addresses = new List<ulong>();
        foreach (int s3 in new[] { 0, 1, 2, 3, 31 })
        {
            foreach (int s2 in new[] { 0, 1, 3, 31 })
            {
                foreach (int s1 in new[] { 0, 2, 31 })
                {
                    addresses.Add(((ulong)s3 << 22) + ((ulong)s2 << 17) + ((ulong)s1 << 12) + (ulong)(s1 * 8));
                }
            }
        }

        return addresses;
    }

    /// <summary>Dirties the node (a checkpoint first when the reservation refuses), then changes the slot as a kernel write does.</summary>
    private static void ChangeSlot(Oid oid, int slot, Key key)
    {
        if (!Cache.MarkDirty(SpaceRig.Node(oid)))
        {
            CheckpointerTestRig.Checkpoint();
            Assert.True(Cache.MarkDirty(SpaceRig.Node(oid)));
        }

        SpaceRig.SetSlot(oid, slot, key);
    }

    /// <summary>A random node slot on the walk of a mapped address (and the height of its node), or null.</summary>
    private static (Oid, int, int)? SlotOnPath(List<(ulong Holder, ulong Root)> spaces, (int Space, ulong Address) mapped, Random random)
    {
        Key* key = SpaceRig.SlotOf((ObjectHeader*)spaces[mapped.Space].Holder, SpaceRig.Slot);
        SegmentWalk.Walk(key, mapped.Address, false, FaultMode.Synchronous, out SegmentWalk.Result walk);
        (Oid, int, int)? found = null;
        if (walk.StepCount > 0)
        {
            int step = random.Next(walk.StepCount);
            found = (walk.Node(step)->Oid, walk.Slot(step), walk.Height(step));
        }

        SegmentWalk.Release(ref walk);
        return found;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(20261204)]
    public void EveryTranslationEqualsAFreshWalkAfterEveryOperation(int seed)
    {
        var random = new Random(seed);
        VolumeBuilder b = RandomTree(random);
        using var rig = new SpaceRig(b, tables: (uint)(12 + random.Next(24)), depends: AddressSpaces.MinimumDepends + (uint)random.Next(40), writables: (uint)(4 + random.Next(16)));
        var spaces = new List<(ulong Holder, ulong Root)>();
        for (int h = 0; h < Holders; h++)
        {
            spaces.Add(SpaceRig.Space(b.NodeOid((ulong)h)));
        }

        List<ulong> addresses = Addresses();
        int faults = 0;
        var mapped = new List<(int Space, ulong Address)>();
        for (int step = 0; step < 600; step++)
        {
            string context = $"seed={seed} step={step}";
            int roll = random.Next(100);
            if (roll < 50)
            {
                // Half the time an address that was mapped before: rebuilding after invalidations is the point.
                (int index, ulong address) = mapped.Count > 0 && random.Next(2) == 0
                    ? mapped[random.Next(mapped.Count)]
                    : (random.Next(spaces.Count), addresses[random.Next(addresses.Count)]);
                var space = spaces[index];
                bool write = random.Next(100) < 30;
                PageFaultResult result = SpaceRig.Fault(space, address, write);
                if (result == PageFaultResult.StallLogSpace || result == PageFaultResult.StallImageWrite)
                {
                    CheckpointerTestRig.Checkpoint();
                }

                (WalkOutcome outcome, ulong page, bool writable) = SpaceRig.FreshWalk(space, address);
                PageFaultResult expected = outcome != WalkOutcome.Success ? PageFaultResult.InvalidAddress
                    : write && !writable ? PageFaultResult.AccessFault : PageFaultResult.Mapped;
                Assert.True(result == expected || result == PageFaultResult.StallLogSpace || result == PageFaultResult.StallImageWrite, $"{context}: fault {result}, walk {outcome}");
                if (result == PageFaultResult.Mapped)
                {
                    faults++;
                    mapped.Add((index, address));
                    Assert.Equal(page + (address & 0xFFF), rig.Mmu.Access(space.Root, address, write));
                }
            }
            else if (roll < 72)
            {
                bool holder = random.Next(100) < 12;
                if (!holder && mapped.Count > 0 && random.Next(2) == 0 && SlotOnPath(spaces, mapped[random.Next(mapped.Count)], random) is (Oid oid, int slot, int height))
                {
                    // A slot some mapping was built from: the change must reach it.
                    ChangeSlot(oid, slot, RandomKey(random, b, height));
                }
                else if (holder)
                {
                    ChangeSlot(b.NodeOid((ulong)random.Next(Holders)), SpaceRig.Slot, RandomSpaceKey(random, b));
                }
                else
                {
                    int node = random.Next(SegmentNodes);
                    ChangeSlot(b.NodeOid((ulong)(Holders + node)), s_slots[random.Next(s_slots.Length)], RandomKey(random, b, 1 + (node % 3)));
                }
            }
            else if (roll < 86)
            {
                Oid oid = random.Next(2) == 0 ? b.PageOid((ulong)random.Next(Pages)) : b.NodeOid((ulong)(Holders + random.Next(SegmentNodes)));
                ObjectHeader* frame = Cache.Lookup(oid);
                if (frame != null)
                {
                    Cache.Evict(frame);
                }
            }
            else if (roll < 91)
            {
                AddressSpaces.WriteProtectAll();
            }
            else if (roll < 94)
            {
                AddressSpaces.DropAll();
            }
            else
            {
                CheckpointerTestRig.Checkpoint();
            }

            rig.Judge(spaces, addresses, context);
            Assert.Equal(CheckFailure.None, ConsistencyCheck.RunStructural());
        }

        Assert.True(faults > 30, $"seed={seed}: only {faults} faults mapped");
    }
}

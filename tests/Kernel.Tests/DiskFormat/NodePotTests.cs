using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.Host;
using CapOS.Kernel.NodeTree;
using Xunit;

namespace CapOS.Kernel.Tests.DiskFormat;

public sealed unsafe class NodePotTests
{
    private static readonly Oid First = new(0x100007);

    [Fact]
    public void InitializedPotRoundTripsKeys()
    {
        using var machine = new SimulatedMachine();
        var pot = (NodePot*)machine.MemoryBase;
        Fill(pot);
        Assert.Equal(FormatError.None, NodePot.Validate(pot, First, 7));

        DiskNode* node = NodePot.NodeAt(pot, 3);
        Assert.Equal(First.Add(3), node->Oid);
        Assert.Equal(5u, node->AllocCount);
        Assert.Equal(9u, node->CallCount);
        DiskKey* page = DiskNode.Slot(node, 0);
        Assert.Equal(KeyType.Page, page->Type);
        Assert.Equal(new Oid(0x1234), page->Oid);
        Assert.Equal(KeyRights.ReadOnly, page->Rights);
        Assert.Equal(0x0BADF00Du, DiskNode.Slot(node, 1)->Word2);
        Assert.Equal(KeyType.Void, DiskNode.Slot(node, 2)->Type);
    }

    [Fact]
    public void EveryFlippedByteIsDetected()
    {
        using var machine = new SimulatedMachine();
        var pot = (NodePot*)machine.MemoryBase;
        Fill(pot);
        Assert.Equal(-1, SampleVolume.FirstUndetectedFlip((byte*)pot, () => NodePot.Validate(pot, First, 7) == FormatError.None));
    }

    [Fact]
    public void HeaderAndPlacementErrors()
    {
        using var machine = new SimulatedMachine();
        var pot = (NodePot*)machine.MemoryBase;
        Assert.Equal(FormatError.NodePotBadMagic, NodePot.Validate(pot, First, 7));
        Fill(pot);
        ((byte*)pot)[1000] ^= 4;
        Assert.Equal(FormatError.NodePotBadCrc, NodePot.Validate(pot, First, 7));
        Fill(pot);
        Assert.Equal(FormatError.NodePotWrongOid, NodePot.Validate(pot, First.Add(7), 7));
        Assert.Equal(FormatError.NodePotBadNodeCount, NodePot.Validate(pot, First, 6));
        Assert.Equal(FormatError.NodeWrongOid, Mutate(pot, () => NodePot.NodeAt(pot, 6)->Oid = First));
    }

    [Fact]
    public void PartialPotHasZeroNodesPastItsCount()
    {
        using var machine = new SimulatedMachine();
        var pot = (NodePot*)machine.MemoryBase;
        NodePot.Initialize(pot, First, 2, 1);
        PageSeal.Seal((byte*)pot);
        Assert.Equal(FormatError.None, NodePot.Validate(pot, First, 2));
        Assert.True(NodePot.NodeAt(pot, 2)->Oid.IsNull);
        NodePot.NodeAt(pot, 2)->Oid = First.Add(2);
        PageSeal.Seal((byte*)pot);
        Assert.Equal(FormatError.NodeWrongOid, NodePot.Validate(pot, First, 2));
    }

    [Fact]
    public void MalformedKeysAreNamed()
    {
        using var machine = new SimulatedMachine();
        var pot = (NodePot*)machine.MemoryBase;
        DiskKey* key = DiskNode.Slot(NodePot.NodeAt(pot, 4), 17);
        Assert.Equal(FormatError.KeyUndefinedType, Mutate(pot, () => key->Type = (KeyType)3));
        Assert.Equal(FormatError.KeyMemoryOnlyFlags, Mutate(pot, () => { key->Type = KeyType.Node; key->Oid = First; key->Rights = (KeyRights)0x80; }));
        Assert.Equal(FormatError.KeyReservedBits, Mutate(pot, () => { key->Type = KeyType.Node; key->Oid = First; key->Rights = (KeyRights)0x10; }));
        Assert.Equal(FormatError.KeyNullOid, Mutate(pot, () => key->Type = KeyType.Segment));
        Assert.Equal(FormatError.KeyVoidNotZero, Mutate(pot, () => key->KeyData = 1));
        Assert.Equal(FormatError.None, Mutate(pot, () => { key->Type = KeyType.Number; key->Word0 = 1; }));
    }

    private static void Fill(NodePot* pot)
    {
        NodePot.Initialize(pot, First, 7, 1);
        for (int i = 0; i < NodePot.NodeCapacity; i++)
        {
            DiskNode* node = NodePot.NodeAt(pot, i);
            node->AllocCount = 5;
            node->CallCount = 9;
            DiskKey* page = DiskNode.Slot(node, 0);
            page->Type = KeyType.Page;
            page->Oid = new Oid(0x1234);
            page->AllocCount = 2;
            page->Rights = KeyRights.ReadOnly;
            DiskKey* number = DiskNode.Slot(node, 1);
            number->Type = KeyType.Number;
            number->Word0 = 1;
            number->Word2 = 0x0BADF00D;
        }

        PageSeal.Seal((byte*)pot);
    }

    private static FormatError Mutate(NodePot* pot, System.Action change)
    {
        NodePot.Initialize(pot, First, 7, 1);
        change();
        PageSeal.Seal((byte*)pot);
        return NodePot.Validate(pot, First, 7);
    }
}

using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.Host;
using CapOS.Kernel.NodeTree;
using Xunit;

namespace CapOS.Kernel.Tests.NodeTree;

public sealed unsafe class KeyTests
{
    [Fact]
    public void InMemoryKeyIsSixteenBytesLaidOutAsTheDiskKey()
    {
        Assert.Equal(16, sizeof(Key));
        Assert.Equal(8, sizeof(KeyRing));
        Assert.Equal(528, sizeof(Node));
        Key key = Key.Object(KeyType.Segment, new Oid(0x1122334455667788), 0xAABBCCDD, KeyRights.Weak | KeyRights.NoCall, 0x0C05);
        var disk = (DiskKey*)&key;
        Assert.Equal(new Oid(0x1122334455667788), disk->Oid);
        Assert.Equal(0xAABBCCDDu, disk->AllocCount);
        Assert.Equal(KeyType.Segment, disk->Type);
        Assert.Equal(KeyRights.Weak | KeyRights.NoCall, disk->Rights);
        Assert.Equal(0x0C05, disk->KeyData);
        Assert.Equal(5, key.Height);
        Assert.Equal(FormatError.None, DiskKey.Validate(disk));
    }

    [Fact]
    public void NumberAndRangeKeysKeepTheirPayload()
    {
        Key number = Key.Number(1, 2, 3);
        var disk = (DiskKey*)&number;
        Assert.Equal(KeyType.Number, number.Type);
        Assert.Equal(1u, disk->Word0);
        Assert.Equal(2u, number.Word(1));
        Assert.Equal(3u, disk->Word2);
        Assert.Equal(0x0000000200000001ul, number.Oid.Value);
        Assert.False(number.IsPrepared);

        Key range = Key.Range(KeyType.Range, new Oid(0x1000), 700);
        Assert.Equal(new Oid(0x1000), range.Oid);
        Assert.Equal(700u, range.AllocCount);
        Assert.Equal(FormatError.None, DiskKey.Validate((DiskKey*)&range));
    }

    [Fact]
    public void VoidKeyIsAllZero()
    {
        Key key = Key.Void;
        byte* b = (byte*)&key;
        for (int i = 0; i < 16; i++)
        {
            Assert.Equal(0, b[i]);
        }

        Assert.Equal(KeyType.Void, key.Type);
        Assert.Equal(FormatError.None, DiskKey.Validate((DiskKey*)&key));
    }

    [Fact]
    public void PreparedFormOverlaysThePayloadAndKeepsTypeRightsData()
    {
        using var machine = new SimulatedMachine();
        Key* key = (Key*)(machine.MemoryBase + 0x1000);
        *key = Key.Object(KeyType.Start, new Oid(0x100003), 7, KeyRights.None, 0x1234);
        key->SetPrepared(0x100, new KeyRing { Next = 0x200, Prev = 0x300 });
        Assert.True(key->IsPrepared);
        Assert.Equal(KeyFlags.Prepared, key->Flags);
        Assert.Equal(0x200u, *(uint*)key);
        Assert.Equal(0x300u, *((uint*)key + 1));
        Assert.Equal(0x100u, *((uint*)key + 2));
        Assert.Equal(KeyType.Start, key->Type);
        Assert.Equal(0x1234, key->KeyData);
        Assert.Equal(FormatError.KeyMemoryOnlyFlags, DiskKey.Validate((DiskKey*)key));

        key->SetHazards(KeyFlags.WriteHazard);
        key->SetRights(KeyRights.ReadOnly);
        Assert.Equal(KeyFlags.Prepared | KeyFlags.WriteHazard, key->Flags);
        Assert.Equal(KeyRights.ReadOnly, key->Rights);

        key->SetHazards(KeyFlags.None);
        key->SetUnprepared(new Oid(0x100003), 7);
        Assert.False(key->IsPrepared);
        Assert.Equal(new Oid(0x100003), key->Oid);
        Assert.Equal(7u, key->AllocCount);
        Assert.Equal(FormatError.None, DiskKey.Validate((DiskKey*)key));
    }

    [Fact]
    public void KernelReferencesRoundTripThroughPhysicalAddresses()
    {
        using var machine = new SimulatedMachine();
        byte* target = machine.MemoryBase + 0x12340;
        uint reference = KernelReference.From(target);
        Assert.Equal(0x1234u, reference);
        Assert.True(KernelReference.ToPointer(reference) == target);
        Assert.True(KernelReference.ToPointer(KernelReference.Null) == null);
    }

    [Fact]
    public void MisalignedReferenceStopsTheKernel()
    {
        using var machine = new SimulatedMachine();
        Assert.Throws<MachineHaltedException>(() => KernelReference.From(machine.MemoryBase + 0x12348));
        Assert.Throws<MachineHaltedException>(() => KernelReference.From(machine.MemoryBase));
    }

    [Fact]
    public void NodeSlotsAreKeys()
    {
        using var machine = new SimulatedMachine();
        var node = (Node*)(machine.MemoryBase + 0x2000);
        Assert.Equal(16, (byte*)Node.Slot(node, 1) - (byte*)node);
        Assert.Equal(512, (byte*)&node->CallCount - (byte*)node);
        *Node.Slot(node, 31) = Key.Kernel(KeyType.Console, 0);
        Assert.Equal(KeyType.Console, ((Key*)((byte*)node + (31 * 16)))->Type);
    }
}

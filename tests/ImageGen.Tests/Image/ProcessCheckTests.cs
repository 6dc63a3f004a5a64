using System;
using System.Collections.Generic;
using System.Linq;
using CapOS.ImageGen.Image;
using CapOS.Kernel.Arch.X64;
using CapOS.Kernel.DiskFormat;
using CapOS.Kernel.NodeTree;
using CapOS.Kernel.Process;
using Xunit;

namespace CapOS.ImageGen.Tests.Image;

/// <summary>`check` over processes: a clean image has no fault; each damage to a process is named.</summary>
public sealed unsafe class ProcessCheckTests : IDisposable
{
    private readonly TestPrograms _programs = new();

    public void Dispose() => _programs.Dispose();

    /// <summary>Everything at home (log-objects none): a damage is made in place and the home pot resealed.</summary>
    private VolumeImage Open() =>
        VolumeImage.Open(ImageBuilder.Build(_programs.Parse(ProcessListingTests.Description(_programs).Replace("log-objects all", "log-objects none", StringComparison.Ordinal))));

    [Fact]
    public void ProcessesOfACleanImageHaveNoFault()
    {
        VolumeImage image = Open();
        Assert.DoesNotContain(ImageCheck.Run(image), f => f.Kind != FindingKind.Note);
        Assert.Equal(2, ProcessImage.Find(image).Count);
    }

    [Theory]
    [InlineData("key register 0", "process oid=0x1000 (restart 0): key register 0 is not void (console; docs/process.md P1)")]
    [InlineData("key registers slot", "process oid=0x1000 (restart 0): slot 3 (key registers) holds page oid=0x100002 ac=0: not legal in a process root (docs/process.md \"Consistency check\")")]
    [InlineData("schedule slot", "process oid=0x1000 (restart 0): slot 0 (schedule) holds console: not legal in a process root (docs/process.md \"Consistency check\")")]
    [InlineData("state slot", "process oid=0x1000 (restart 0): slot 8 (run state) holds void: not legal in a process root (docs/process.md \"Consistency check\")")]
    [InlineData("reserved slot", "process oid=0x1000 (restart 0): slot 12 (reserved) holds sleep: not legal in a process root (docs/process.md \"Consistency check\")")]
    [InlineData("run state", "process oid=0x1000 (restart 0): run state available is not restartable (running or waiting: docs/process.md P4)")]
    [InlineData("pc unmapped", "process oid=0x1000 (restart 0): pc=0x10000000 is not mapped by its address space")]
    [InlineData("pc writable", "process oid=0x1000 (restart 0): pc=0x401000 is in a writable page (oid=0x100003); code is mapped read-only")]
    [InlineData("stale annex", "process oid=0x1000 (restart 0): the register annex (page oid=0x100002 ac=5) is stale, missing or a zero page")]
    [InlineData("stale space", "process oid=0x1000 (restart 0): pc=0x400010 is not mapped by its address space")]
    [InlineData("restart count", "process oid=0x1000 (restart 0): the restart entry's AllocCount 3 is not the node's (0)")]
    [InlineData("restart oid", "restart 0: oid=0x5000 is not a node")]
    public void DamagedProcessesAreNamed(string damage, string fault)
    {
        VolumeImage image = Open();
        ProcessImage first = ProcessImage.Find(image)[0];
        switch (damage)
        {
            case "key register 0": EditNode(image, first.Slot(ProcessRoot.KeyRegisters)->Oid, n => *DiskNode.Slot(n, 0) = new DiskKey { Type = KeyType.Console }); break;
            case "key registers slot": EditRoot(image, first, n => *DiskNode.Slot(n, 3) = *DiskNode.Slot(n, 4)); break;
            case "schedule slot": EditRoot(image, first, n => *DiskNode.Slot(n, 0) = new DiskKey { Type = KeyType.Console }); break;
            case "state slot": EditRoot(image, first, n => *DiskNode.Slot(n, 8) = default); break;
            case "reserved slot": EditRoot(image, first, n => *DiskNode.Slot(n, 12) = new DiskKey { Type = KeyType.Sleep }); break;
            case "run state": EditRoot(image, first, n => DiskNode.Slot(n, 8)->Word0 = (uint)RunState.Available); break;
            case "pc unmapped": EditAnnex(image, first, a => a->Rip = 0x10000000); break;
            case "pc writable": EditAnnex(image, first, a => a->Rip = 0x401000); break;
            case "stale annex": EditRoot(image, first, n => DiskNode.Slot(n, 4)->AllocCount = 5); break;
            case "stale space": EditRoot(image, first, n => DiskNode.Slot(n, 2)->AllocCount = 1); break;
            case "restart count": EditHeader(image, h => CheckpointHeader.Restart(h, 0)->AllocCount = 3); break;
            case "restart oid": EditHeader(image, h => CheckpointHeader.Restart(h, 0)->Oid = new Oid(0x5000)); break;
            default: throw new ArgumentException(damage);
        }

        List<Finding> findings = ImageCheck.Run(image);
        Assert.True(findings.Contains(new Finding(FindingKind.Fault, fault)), $"{damage}: expected '{fault}', got: {string.Join("; ", findings)}");
        Assert.DoesNotContain(findings, f => f.Kind == FindingKind.Fault && f.Text.StartsWith("process oid=0x100b", StringComparison.Ordinal));
    }

    private delegate void NodeEdit(DiskNode* node);

    private delegate void AnnexEdit(RegisterAnnex* annex);

    private delegate void HeaderEdit(CheckpointHeader* header);

    private static void EditRoot(VolumeImage image, ProcessImage process, NodeEdit edit) => EditNode(image, process.Oid, edit);

    private static void EditNode(VolumeImage image, Oid oid, NodeEdit edit)
    {
        DiskNode* node = image.Node(oid, out ObjectSource source);
        Assert.False(source.FromLog);
        edit(node);
        PageSeal.Seal(image.Page(source.Location));
    }

    private static void EditAnnex(VolumeImage image, ProcessImage process, AnnexEdit edit)
    {
        Oid oid = process.Slot(ProcessRoot.RegisterAnnex)->Oid;
        Assert.True(image.TryPage(oid, out _, out byte* content, out ObjectSource source));
        Assert.False(source.FromLog);
        edit((RegisterAnnex*)content);
        VolumeLayout.Locate(image.Header, oid, out ObjectLocation location);
        TagPot* pot = image.TagPotFor(location);
        TagPot.Entry(pot, location.Slot)->DataCrc = PageSeal.ImageCrc(content);
        PageSeal.Seal((byte*)pot);
    }

    private static void EditHeader(VolumeImage image, HeaderEdit edit)
    {
        edit(image.Chosen);
        PageSeal.Seal((byte*)image.Chosen);
    }
}

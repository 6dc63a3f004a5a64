using System;
using System.Linq;
using System.Text;
using CapOS.ImageGen.Description;
using CapOS.Kernel.Arch.X64;
using CapOS.Kernel.NodeTree;
using CapOS.Kernel.Process;
using Xunit;

namespace CapOS.ImageGen.Tests.Description;

/// <summary>`process` lines: the objects a process is made of, its root's slots, and the errors.</summary>
public sealed unsafe class ProcessBuilderTests : IDisposable
{
    private readonly TestPrograms _programs = new();

    public void Dispose() => _programs.Dispose();

    private string Program => $"volume v\nprogram demo elf \"{_programs.Hello()}\"\n";

    [Fact]
    public void ARootInTheProcessRootLayout()
    {
        SystemDescription d = _programs.Parse(Program + "process p program demo priority 3\n  key 1 = console\n  key 31 = page p/annex ro\n  brand = number 7\n  keeper = start p keyinfo 2");
        NodeSpec root = (NodeSpec)d.ByName["p"];
        Assert.Same(root, d.Processes.Single().Root);
        Assert.Equal((KeyType.Sched, (ushort)3), (root.Slots[ProcessRoot.Schedule]!.Type, root.Slots[ProcessRoot.Schedule]!.KeyData));
        Assert.Equal((KeyType.Start, "p"), (root.Slots[ProcessRoot.Keeper]!.Type, root.Slots[ProcessRoot.Keeper]!.Target));
        Assert.Equal((KeyType.Segment, (ushort)7), (root.Slots[ProcessRoot.AddressSpace]!.Type, root.Slots[ProcessRoot.AddressSpace]!.KeyData));
        Assert.Equal((KeyType.Node, "p/keys"), (root.Slots[ProcessRoot.KeyRegisters]!.Type, root.Slots[ProcessRoot.KeyRegisters]!.Target));
        Assert.Equal((KeyType.Page, "p/annex"), (root.Slots[ProcessRoot.RegisterAnnex]!.Type, root.Slots[ProcessRoot.RegisterAnnex]!.Target));
        Assert.Equal((KeyType.Number, 7u), (root.Slots[ProcessRoot.Brand]!.Type, root.Slots[ProcessRoot.Brand]!.Word0));
        Assert.Equal((KeyType.Number, (uint)RunState.Running), (root.Slots[ProcessRoot.State]!.Type, root.Slots[ProcessRoot.State]!.Word0));
        Assert.Equal(KeyType.Number, root.Slots[ProcessRoot.FaultInfo]!.Type);
        Assert.Equal(new[] { 0, 2, 3, 4, 6, 1, 8, 9 }.Order(), Enumerable.Range(0, 32).Where(s => root.Slots[s] is not null));

        NodeSpec keys = (NodeSpec)d.ByName["p/keys"];
        Assert.Null(keys.Slots[0]);
        Assert.Equal(KeyType.Console, keys.Slots[1]!.Type);
        Assert.Equal(KeyType.Page, keys.Slots[31]!.Type);
    }

    [Fact]
    public void TheAnnexStartsAtTheEntryWithTheStackTop()
    {
        SystemDescription d = _programs.Parse(Program + "process p program demo stack-top 0x10000000 stack-pages 2");
        fixed (byte* bytes = ((PageSpec)d.ByName["p/annex"]).Content)
        {
            var annex = (RegisterAnnex*)bytes;
            Assert.Equal((0x400010UL, 0x10000000UL, RegisterAnnex.InitialRflags), (annex->Rip, annex->Rsp, annex->Rflags));
        }

        Assert.True(d.ByName.ContainsKey("p/stack@0xfffe000"));
        Assert.True(d.ByName.ContainsKey("p/stack@0xffff000"));
        Assert.False(d.ByName.ContainsKey("p/stack@0xfffd000"));
    }

    [Fact]
    public void ProcessesShareReadOnlyPagesAndCopyWritableOnes()
    {
        SystemDescription d = _programs.Parse(Program + "process a program demo\nprocess b program demo");
        Assert.Equal(
            "demo/ro@0x400000 a a/keys a/annex a/page@0x401000 a/page@0x402000 a/page@0x403000 a/stack@0x7ffffffec000 a/stack@0x7ffffffed000 "
            + "a/stack@0x7ffffffee000 a/stack@0x7ffffffef000 a/seg@0x0:h7 a/seg@0x0:h3 a/seg@0x400000:h1 a/seg@0x7c0000000000:h6 a/seg@0x7fe000000000:h5 "
            + "a/seg@0x7fff00000000:h4 a/seg@0x7ffff8000000:h3 a/seg@0x7fffffc00000:h2 a/seg@0x7ffffffe0000:h1",
            string.Join(" ", d.Objects.Select(o => o.Name).TakeWhile(n => n != "b")));
        Assert.Equal("demo/ro@0x400000", ((NodeSpec)d.ByName["b/seg@0x400000:h1"]).Slots[0]!.Target);
        Assert.Equal("b/page@0x401000", ((NodeSpec)d.ByName["b/seg@0x400000:h1"]).Slots[1]!.Target);
        Assert.Equal(new[] { "a", "b" }, d.Processes.Select(p => p.Name));
    }

    [Theory]
    [InlineData("process p program nope", "test.sys:3:19: program 'nope' is not declared (declare a program before the processes that run it)")]
    [InlineData("process p program demo stack-pages 0", "test.sys:3:36: a stack page count must not be 0")]
    [InlineData("process p program demo stack-pages 1025", "test.sys:3:36: a stack page count 1025 is out of range (at most 1024)")]
    [InlineData("process p program demo heap 3", "test.sys:3:24: unknown process option 'heap'")]
    [InlineData("process p program demo stack-top 0x402000", "test.sys:3:9: the stack [0x3fe000, 0x402000) of process 'p' overlaps program 'demo' at page 0x400000")]
    [InlineData("process p program demo stack-top 0x800000001000", "test.sys:3:9: the stack [0x7fffffffd000, 0x800000001000) of process 'p' is not page-aligned inside the user half (0 .. 0x800000000000)")]
    [InlineData("process p program demo stack-top 0x10000010", "test.sys:3:9: the stack [0xfffc010, 0x10000010) of process 'p' is not page-aligned inside the user half (0 .. 0x800000000000)")]
    [InlineData("process p program demo stack-top 0x1000 stack-pages 2", "test.sys:3:9: the stack of process 'p' (2 pages) does not fit below 0x1000")]
    [InlineData("process p program demo\n  key 0 = console", "test.sys:4:7: key register 0 always reads as void (docs/process.md P1)")]
    [InlineData("process p program demo\n  key 32 = console", "test.sys:4:7: key register number 32 is out of range (at most 31)")]
    [InlineData("process p program demo\n  key 1 = console\n  key 1 = sleep", "test.sys:5:7: key register 1 of process 'p' given twice")]
    [InlineData("process p program demo\n  key 1 = node nobody", "test.sys:4:16: 'nobody' is not declared")]
    [InlineData("process p program demo\n  keeper = node p", "test.sys:4:12: a keeper is a start key (or void)")]
    [InlineData("process p program demo\n  brand = number 1\n  brand = number 2", "test.sys:5:3: the brand of process 'p' given twice")]
    [InlineData("key 1 = console", "test.sys:3:1: 'key' outside a process (write 'process <name> program <program>' first)")]
    [InlineData("process p program demo\nnode n\n  key 1 = console", "test.sys:5:3: 'key' outside a process (write 'process <name> program <program>' first)")]
    [InlineData("process p program demo\n  slot 1 = console", "test.sys:4:3: 'slot' outside a node (write 'node <name>' first)")]
    [InlineData("node p\nprocess p program demo", "test.sys:4:9: 'p' is already declared at line 3")]
    public void EachErrorNamesItsPlace(string lines, string message)
    {
        var error = Assert.Throws<DescriptionException>(() => _programs.Parse(Program + lines));
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void TheRestartListBoundsTheProcesses()
    {
        var text = new StringBuilder(Program);
        for (int i = 0; i <= Kernel.DiskFormat.CheckpointHeader.RestartCapacity; i++)
        {
            text.Append($"process p{i} program demo\n");
        }

        var error = Assert.Throws<DescriptionException>(() => _programs.Parse(text.ToString()));
        Assert.Equal("test.sys:251:9: too many processes: checkpoint #1's restart list holds 248", error.Message);
    }
}

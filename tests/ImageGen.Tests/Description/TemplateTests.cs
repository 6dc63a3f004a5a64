using System;
using System.Linq;
using CapOS.ImageGen.Description;
using CapOS.Kernel.NodeTree;
using Xunit;

namespace CapOS.ImageGen.Tests.Description;

/// <summary>`template` lines and the `template` / `template-entry` keys (TemplateSpec; docs/imagegen.md "Program templates").</summary>
public sealed class TemplateTests : IDisposable
{
    private readonly TestPrograms _programs = new();

    public void Dispose() => _programs.Dispose();

    private string Program => $"volume v\nprogram demo elf \"{_programs.Hello()}\"\n";

    [Fact]
    public void ATemplateHasTheProgramsPagesAndNoStack()
    {
        SystemDescription d = _programs.Parse(Program + "template t program demo");
        Assert.Equal(
            "demo/ro@0x400000 t/page@0x401000 t/page@0x402000 t/page@0x403000 t/seg@0x0:h7 t/seg@0x0:h3 t/seg@0x400000:h1",
            string.Join(" ", d.Objects.Select(o => o.Name)));
        NodeSpec top = (NodeSpec)d.ByName["t/seg@0x0:h7"];
        Assert.Equal(new[] { 0 }, Enumerable.Range(0, 32).Where(s => top.Slots[s] is not null)); // nothing at the stack
        NodeSpec leaf = (NodeSpec)d.ByName["t/seg@0x400000:h1"];
        Assert.Equal(("demo/ro@0x400000", KeyRights.ReadOnly), (leaf.Slots[0]!.Target, leaf.Slots[0]!.Rights)); // code: the program's shared page
        Assert.Equal(("t/page@0x401000", KeyRights.None), (leaf.Slots[1]!.Target, leaf.Slots[1]!.Rights));    // data: the template's own copy
        Assert.Empty(d.Processes);
    }

    [Fact]
    public void TheTemplateKeyIsAWeakReadOnlyNoCallHeightSevenSegmentKey()
    {
        SystemDescription d = _programs.Parse(Program + "template t program demo\nnode n\n  slot 1 = template t");
        KeySpec key = ((NodeSpec)d.ByName["n"]).Slots[1]!;
        Assert.Equal(KeyType.Segment, key.Type);
        Assert.Equal("t/seg@0x0:h7", key.Target);
        Assert.Equal(KeyRights.ReadOnly | KeyRights.Weak | KeyRights.NoCall, key.Rights);
        Assert.Equal((ushort)7, key.KeyData);
    }

    [Fact]
    public void TheEntryKeyPacksThePcAndTheStackTop()
    {
        SystemDescription d = _programs.Parse(Program + "node n\n  slot 1 = template-entry t\ntemplate t program demo stack-top 0x7fffffff0000");
        KeySpec key = ((NodeSpec)d.ByName["n"]).Slots[1]!;
        Assert.Equal(KeyType.Number, key.Type);
        ulong low = key.Word0 | ((ulong)key.Word1 << 32); // what the number key's Value answers in W0
        ulong pc = low & ((1UL << 48) - 1);
        ulong stackTop = (low >> 48) | ((ulong)key.Word2 << 16);
        Assert.Equal((0x400010UL, 0x7fffffff0000UL), (pc, stackTop));
    }

    [Theory]
    [InlineData("template t program nope", "test.sys:3:20: program 'nope' is not declared (declare a program before the templates of it)")]
    [InlineData("template t program demo\ntemplate t program demo", "test.sys:4:10: template 't' is already declared at line 3")]
    [InlineData("template t program demo heap 3", "test.sys:3:25: unknown template option 'heap'")]
    [InlineData("template t program demo stack-pages 3", "test.sys:3:25: unknown template option 'stack-pages'")]
    [InlineData("template t program demo stack-top 0x800000001000", "test.sys:3:10: the stack top 0x800000001000 of template 't' is not page-aligned inside the user half (0x1000 .. 0x800000000000)")]
    [InlineData("template t program demo stack-top 0x10000010", "test.sys:3:10: the stack top 0x10000010 of template 't' is not page-aligned inside the user half (0x1000 .. 0x800000000000)")]
    [InlineData("node n\n  slot 1 = template nobody", "test.sys:4:21: template 'nobody' is not declared")]
    [InlineData("node n\n  slot 1 = template-entry nobody", "test.sys:4:27: template 'nobody' is not declared")]
    public void EachErrorNamesItsPlace(string lines, string message)
    {
        var error = Assert.Throws<DescriptionException>(() => _programs.Parse(Program + lines));
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void ATemplateAndAProcessOfOneNameAreAnErrorNotACrash()
    {
        var error = Assert.Throws<DescriptionException>(() => _programs.Parse(Program + "template demo program demo\nprocess demo program demo"));
        Assert.StartsWith("test.sys:", error.Message, StringComparison.Ordinal);
        Assert.Contains("'demo/page@0x401000' is already declared at line 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AStackTopOverTheProgramIsAnError()
    {
        var error = Assert.Throws<DescriptionException>(() => _programs.Parse(Program + "template t program demo stack-top 0x402000"));
        Assert.Equal("test.sys:3:10: the stack below 0x402000 of template 't' overlaps program 'demo' at page 0x401000", error.Message);
    }
}

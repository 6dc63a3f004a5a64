using System;
using System.Linq;
using CapOS.ImageGen.Description;
using Xunit;
using static CapOS.ImageGen.Tests.TestPrograms;

namespace CapOS.ImageGen.Tests.Description;

/// <summary>`program` lines: a static ELF64 cut into pages, and every way a program file can be wrong.</summary>
public sealed class ProgramSpecTests : IDisposable
{
    private readonly TestPrograms _programs = new();

    public void Dispose() => _programs.Dispose();

    private DescriptionException Error(string path) =>
        Assert.Throws<DescriptionException>(() => _programs.Parse($"volume v\nprogram p elf \"{path}\""));

    [Fact]
    public void SegmentsSharingAPageMergeIntoOneReadOnlyPage()
    {
        SystemDescription d = _programs.Parse($"volume v\nprogram p elf \"{_programs.Hello()}\"");
        ProgramSpec program = d.Programs["p"];
        Assert.Equal(0x400010UL, program.Entry);
        Assert.Equal(new ulong[] { 0x400000, 0x401000, 0x402000, 0x403000 }, program.Pages.Keys);
        ProgramPage code = program.Pages[0x400000];
        Assert.Equal((false, true), (code.Writable, code.Executable));
        Assert.Equal(((byte)0xC3, (byte)0x52, (byte)0), (code.Content![0x3F], code.Content[0x40], code.Content[0x50]));
        Assert.True(program.Pages[0x401000].Writable);
        Assert.Null(program.Pages[0x402000].Content);

        // I1/I2: only the read-only page is an object of the program, shared by its processes.
        Assert.Equal(new[] { "p/ro@0x400000" }, program.SharedPages.Values.Select(p => p.Name));
        Assert.Equal(new[] { "p/ro@0x400000" }, d.Objects.Select(o => o.Name));
    }

    [Fact]
    public void WritableExecutablePageIsAnError()
    {
        string path = _programs.Write("wx.elf", 0x400000,
            new Segment(0x400000, R | X, Bytes(0x10, 0x90), 0x10),
            new Segment(0x400800, R | W, Bytes(0x10, 1), 0x10));
        Assert.Equal("test.sys:2:15: 'wx.elf': page 0x400000 would be writable and executable (segment 1 [0x400800, 0x400810) RW); link writable data page-aligned apart from code",
            Error(path).Message);
    }

    [Fact]
    public void MissingFileIsAnError()
    {
        string message = Error("user/none.elf").Message;
        Assert.StartsWith("test.sys:2:15: cannot read program 'user/none.elf' (", message, StringComparison.Ordinal);
        Assert.EndsWith("(program paths are relative to the artifacts folder; build the user programs first)", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("short", "'f.elf' is not an ELF file")]
    [InlineData("class32", "'f.elf' is not a static x86-64 ELF64 executable (class 1, data 1, type 2, machine 0x3e)")]
    [InlineData("arm", "'f.elf' is not a static x86-64 ELF64 executable (class 2, data 1, type 2, machine 0xb7)")]
    [InlineData("shared", "'f.elf' is not a static x86-64 ELF64 executable (class 2, data 1, type 3, machine 0x3e)")]
    [InlineData("interpreter", "'f.elf': segment 1 asks for dynamic linking; a program must be static")]
    [InlineData("headers", "'f.elf': the program headers lie outside the file")]
    [InlineData("none", "'f.elf' has no PT_LOAD segment")]
    [InlineData("filesize", "'f.elf': segment 0 has more file bytes (0x20) than memory bytes (0x10)")]
    [InlineData("overlap", "'f.elf': segment 1 [0x400ff0, 0x401010) RW overlaps segment 0 [0x400000, 0x401000) RX")]
    [InlineData("beyond", "'f.elf': segment 0 [0x7ffffffff000, 0x800000001000) RX reaches beyond the user half (0x800000000000)")]
    [InlineData("entry", "'f.elf': the entry point 0x401000 is not in an executable segment")]
    public void MalformedElfIsAnErrorAtTheProgramLine(string kind, string message)
    {
        Segment code = new(0x400000, R | X, Bytes(0x10, 0x90), 0x1000);
        byte[] bytes = kind switch
        {
            "short" => new byte[] { 0x7F, (byte)'E', (byte)'L' },
            "class32" => Patch(Elf(0x400000, 2, 0x3E, code), 4, 1),
            "arm" => Elf(0x400000, 2, 0xB7, code),
            "shared" => Elf(0x400000, 3, 0x3E, code),
            "interpreter" => Elf(0x400000, 2, 0x3E, code, new Segment(0, R, Bytes(8, 0x2F), 8, Type: 3)),
            "headers" => Elf(0x400000, 2, 0x3E, code)[..100],
            "none" => Elf(0x400000, 2, 0x3E, new Segment(0x400000, R, Array.Empty<byte>(), 0x10, Type: 4)),
            "filesize" => Elf(0x400000, 2, 0x3E, new Segment(0x400000, R | X, Bytes(0x20, 1), 0x10)),
            "overlap" => Elf(0x400000, 2, 0x3E, code, new Segment(0x400FF0, R | W, Bytes(0x10, 1), 0x20)),
            "beyond" => Elf(0x7FFFFFFFF000, 2, 0x3E, new Segment(0x7FFFFFFFF000, R | X, Bytes(0x10, 1), 0x2000)),
            "entry" => Elf(0x401000, 2, 0x3E, code, new Segment(0x401000, R | W, Bytes(0x10, 1), 0x10)),
            _ => throw new ArgumentException(kind),
        };
        Assert.Equal($"test.sys:2:15: {message}", Error(_programs.WriteBytes("f.elf", bytes)).Message);
    }

    [Theory]
    [InlineData("program p elf user/x.elf", "test.sys:2:15: the ELF file's path must be a quoted string")]
    [InlineData("program p file \"x\"", "test.sys:2:11: expected 'elf', found 'file'")]
    [InlineData("program 9p elf \"x\"", "test.sys:2:9: '9p' is not a name (letters, digits, '_', '-', '.'; starts with a letter or '_')")]
    public void ProgramLineErrorsNameTheirPlace(string line, string message)
    {
        var error = Assert.Throws<DescriptionException>(() => _programs.Parse($"volume v\n{line}"));
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void AProgramIsDeclaredOnce()
    {
        string path = _programs.Hello();
        var error = Assert.Throws<DescriptionException>(() => _programs.Parse($"volume v\nprogram p elf \"{path}\"\nprogram p elf \"{path}\""));
        Assert.Equal("test.sys:3:9: program 'p' is already declared at line 2", error.Message);
    }

    private static byte[] Patch(byte[] bytes, int offset, byte value)
    {
        bytes[offset] = value;
        return bytes;
    }
}

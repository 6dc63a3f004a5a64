using System;
using CapOS.ImageGen.Image;
using CapOS.TestSupport;
using Xunit;

namespace CapOS.ImageGen.Tests.Image;

/// <summary>`dump` of processes, golden: two processes of one program (a shared read-only page), key registers, a brand.</summary>
public sealed class ProcessListingTests : IDisposable
{
    private readonly TestPrograms _programs = new();

    public void Dispose() => _programs.Dispose();

    /// <summary>Two processes of a hello-shaped program; the second with its own stack, priority and brand.</summary>
    internal static string Description(TestPrograms programs) => $"""
        volume procs
        log-objects all
        root first
        page greeting text "hi\n"
        program demo elf "{programs.Hello()}"
        process first program demo
          key 1 = console
          key 2 = page greeting ro
        process second program demo stack-pages 2 stack-top 0x20000000 priority 3
          key 5 = start first keyinfo 9
          brand = number 0x42
        """;

    [Fact]
    public void TwoProcessesOfOneProgram() =>
        Snapshot.Verify(ImageBuilderTests.Dump(ImageBuilder.Build(_programs.Parse(Description(_programs)))));
}

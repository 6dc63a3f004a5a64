using System;
using System.IO;
using CapOS.ImageGen.Description;
using CapOS.ImageGen.Image;

namespace CapOS.ImageGen.Tests;

/// <summary>Builds images from description text or from the shipped system/*.sys files, in memory.</summary>
internal static class TestImages
{
    /// <summary>A small description with every kind of key and page content, half logged.</summary>
    public const string Small = """
        volume small
        log pages 32
        checkpoint interval-ms 200 threshold 50
        node-range slack 3
        page-range slack 2
        log-objects 4
        root top
        node top alloc 1 call 2
          slot 0 = node leaf
          slot 1 = page hello ro
          slot 2 = page noise
          slot 3 = number 0x1 0x2 0x3
          slot 4 = console
          slot 5 = start top keyinfo 5
          slot 6 = resume top
          slot 7 = segment leaf height 2 weak
          slot 8 = page hello alloc 2
          slot 9 = range 0x100000 16
        page hello alloc 3 text "hello\n"
        node leaf
          slot 0 = page blank
          slot 1 = page filled
        page noise pattern 7
        page blank zero
        page filled fill 0xa5
        """;

    public static SystemDescription Parse(string text) => DescriptionParser.Parse(text, "test.sys", ".");

    public static byte[] Build(string text) => ImageBuilder.Build(Parse(text));

    /// <summary>The repository root (the folder holding CapOS.sln).</summary>
    public static string RepoRoot()
    {
        string? directory = AppContext.BaseDirectory;
        while (directory is not null && !File.Exists(Path.Combine(directory, "CapOS.sln")))
        {
            directory = Path.GetDirectoryName(directory);
        }

        return directory ?? throw new InvalidOperationException("CapOS.sln not found above the test binaries");
    }

    /// <summary>system/&lt;name&gt;.sys.</summary>
    public static string SystemFile(string name) => Path.Combine(RepoRoot(), "system", name + ".sys");

    public static byte[] BuildShipped(string name) => ImageBuilder.Build(DescriptionParser.ParseFile(SystemFile(name)));
}

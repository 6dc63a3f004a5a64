using System;
using System.IO;
using CapOS.Harness;

namespace CapOS.Launcher.Tests;

/// <summary>An empty repository layout (a CapOS.sln and nothing else) in a temporary folder, removed on dispose.</summary>
internal sealed class TemporaryRepository : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("capos-repository-test-");

    public TemporaryRepository()
    {
        File.WriteAllText(Path.Combine(_directory.FullName, "CapOS.sln"), "");
        Layout = RepositoryLayout.Locate(_directory.FullName);
    }

    public RepositoryLayout Layout { get; }

    /// <summary>Writes the pristine system image as a build would.</summary>
    public void WritePristine(byte[] bytes)
    {
        Directory.CreateDirectory(Layout.Images);
        File.WriteAllBytes(Layout.PristineSystemImage, bytes);
    }

    public void Dispose() => _directory.Delete(recursive: true);
}

using System;
using System.Text;
using CapOS.Launcher.Bench.Lmbench;
using Xunit;

namespace CapOS.Launcher.Tests.Bench.Lmbench;

public class NewcArchiveTests
{
    [Fact]
    public void AFileEntryIsAHeaderTheNameTheDataEachPaddedToFourBytes()
    {
        var archive = new NewcArchive();
        archive.AddFile("init", Encoding.ASCII.GetBytes("hello"), executable: true);

        byte[] bytes = archive.ToBytes();
        string text = Encoding.ASCII.GetString(bytes);

        Assert.StartsWith("070701", text, StringComparison.Ordinal);
        Assert.Equal("000081ed", text.Substring(6 + 8, 8)); // regular file, 0755
        Assert.Equal("00000005", text.Substring(6 + 6 * 8, 8)); // file size
        Assert.Equal("00000005", text.Substring(6 + 11 * 8, 8)); // name size with its NUL
        Assert.Equal("init\0", text.Substring(110, 5));
        Assert.Equal("hello", text.Substring(116, 5)); // 110 + 5 = 115, padded to 116
        Assert.Equal(0, bytes.Length % 4);
        Assert.Contains("TRAILER!!!\0", text, StringComparison.Ordinal);
    }

    [Fact]
    public void EntriesStartOnFourByteBoundaries()
    {
        var archive = new NewcArchive();
        archive.AddDirectory("a");
        archive.AddFile("a/bc", [1, 2, 3], executable: false);
        archive.AddSymbolicLink("a/link", "bc");
        archive.AddCharacterDevice("console", 5, 1);

        string text = Encoding.Latin1.GetString(archive.ToBytes());
        int at = 0;
        int entries = 0;
        while (true)
        {
            Assert.Equal(0, at % 4);
            Assert.Equal("070701", text.Substring(at, 6));
            int size = Convert.ToInt32(text.Substring(at + 6 + 6 * 8, 8), 16);
            int nameSize = Convert.ToInt32(text.Substring(at + 6 + 11 * 8, 8), 16);
            string name = text.Substring(at + 110, nameSize - 1);
            entries++;
            if (name == "TRAILER!!!")
            {
                break;
            }
            if (name == "console")
            {
                Assert.Equal("00002180", text.Substring(at + 6 + 8, 8));
                Assert.Equal("00000005", text.Substring(at + 6 + 9 * 8, 8)); // rdevmajor
                Assert.Equal("00000001", text.Substring(at + 6 + 10 * 8, 8)); // rdevminor
            }
            int data = (at + 110 + nameSize + 3) / 4 * 4;
            at = (data + size + 3) / 4 * 4;
        }
        Assert.Equal(5, entries);
    }

    [Theory]
    [InlineData("/init")]
    [InlineData("a/../b")]
    [InlineData("a/")]
    [InlineData("")]
    public void ABadNameIsRefusedAndAddsNothing(string name)
    {
        var archive = new NewcArchive();

        Assert.Throws<ArgumentException>(() => archive.AddFile(name, [], executable: false));
        Assert.Empty(archive.Names);
    }

    [Fact]
    public void ANameTwiceIsRefused()
    {
        var archive = new NewcArchive();
        archive.AddDirectory("bin");

        Assert.Throws<ArgumentException>(() => archive.AddDirectory("bin"));
    }
}

using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;

namespace CapOS.Launcher.Bench.Lmbench;

/// <summary>
/// A cpio archive in the "newc" format (magic <c>070701</c>), the format Linux unpacks as an initramfs: per entry a
/// 110-byte header of thirteen 8-digit hex fields, the name with its NUL, padding to 4 bytes, the data, padding
/// to 4 bytes; a <c>TRAILER!!!</c> entry ends it. Entries are kept in the order added (a directory must come
/// before what it holds). Pure: the caller writes the bytes.
/// </summary>
public sealed class NewcArchive
{
    /// <summary>The file type bits of a directory, a regular file and a symbolic link.</summary>
    public const int Directory = 0x4000, RegularFile = 0x8000, SymbolicLink = 0xA000, CharacterDevice = 0x2000;

    private const int TypeMask = 0xF000;

    private readonly List<(string Name, int Mode, byte[] Data)> _entries = [];
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (int Major, int Minor)> _devices = new(StringComparer.Ordinal);

    /// <summary>The entries' names, in order.</summary>
    public IEnumerable<string> Names => _names;

    /// <summary>Adds a directory (permissions 0755).</summary>
    public void AddDirectory(string name) => Add(name, Directory | 0x1ED, []);

    /// <summary>Adds a regular file; <paramref name="executable"/> gives it 0755, else 0644.</summary>
    public void AddFile(string name, byte[] data, bool executable) => Add(name, RegularFile | (executable ? 0x1ED : 0x1A4), data);

    /// <summary>Adds a symbolic link to <paramref name="target"/>.</summary>
    public void AddSymbolicLink(string name, string target) => Add(name, SymbolicLink | 0x1FF, Encoding.UTF8.GetBytes(target));

    /// <summary>Adds a character device node (permissions 0600), e.g. <c>dev/console</c> (5, 1): Linux opens it for
    /// init's standard streams before any devtmpfs is mounted.</summary>
    public void AddCharacterDevice(string name, int major, int minor)
    {
        Add(name, CharacterDevice | 0x180, []);
        _devices[name] = (major, minor);
    }

    /// <summary>True when an entry of this name was added.</summary>
    public bool Contains(string name) => _names.Contains(name);

    /// <summary>The archive's bytes, trailer included.</summary>
    public byte[] ToBytes()
    {
        using var output = new MemoryStream();
        int inode = 1;
        foreach ((string name, int mode, byte[] data) in _entries)
        {
            (int major, int minor) = _devices.TryGetValue(name, out var device) ? device : (0, 0);
            Write(output, inode++, mode, (mode & TypeMask) == Directory ? 2 : 1, name, data, major, minor);
        }
        Write(output, 0, 0, 1, "TRAILER!!!", [], 0, 0);
        return output.ToArray();
    }

    private void Add(string name, int mode, byte[] data)
    {
        if (name.Length == 0 || name.StartsWith('/') || name.EndsWith('/') || name.Contains("//", StringComparison.Ordinal)
            || Array.IndexOf(name.Split('/'), "..") >= 0)
        {
            throw new ArgumentException($"'{name}' is not a relative path without '..'", nameof(name));
        }
        if (!_names.Add(name))
        {
            throw new ArgumentException($"'{name}' is in the archive already", nameof(name));
        }
        _entries.Add((name, mode, data));
    }

    private static void Write(Stream output, int inode, int mode, int links, string name, byte[] data, int major, int minor)
    {
        byte[] nameBytes = Encoding.UTF8.GetBytes(name + "\0");
        var header = new StringBuilder("070701");
        foreach (long field in new long[] { inode, mode, 0, 0, links, 0, data.Length, 0, 0, major, minor, nameBytes.Length, 0 })
        {
            header.Append(field.ToString("x8", CultureInfo.InvariantCulture));
        }
        output.Write(Encoding.ASCII.GetBytes(header.ToString()));
        output.Write(nameBytes);
        Pad(output);
        output.Write(data);
        Pad(output);
    }

    private static void Pad(Stream output)
    {
        while (output.Length % 4 != 0)
        {
            output.WriteByte(0);
        }
    }
}

using System;
using System.IO;
using System.Security.Cryptography;
using CapOS.Harness;

namespace CapOS.Launcher;

/// <summary>
/// The system's persistent disk (docs/launcher.md "The persistent disk"): what <c>./capos run</c> boots in
/// place, kept apart from the pristine build output so that neither the build nor the tests ever touch the
/// state a user's system has reached.
/// </summary>
/// <remarks>
/// P1 The pristine image (artifacts/images/capos.img) is never attached by <c>run</c>: the disk is a copy.
/// P2 A build never writes the persistent disk; only <c>--fresh</c> replaces it, and then the disk it
///    replaces is kept as <c>capos.img.previous</c> (nothing the user's system reached is thrown away
///    silently).
/// P3 The persistent disk records the digest of the pristine image it was made from
///    (<c>capos.img.origin</c>); when the build has made a different pristine image since, <c>run</c> says so
///    and boots the old disk anyway (booting is recovering: the system's state wins over a rebuild).
/// Tested by PersistentDiskTests.
/// </remarks>
public sealed class PersistentDisk(RepositoryLayout layout)
{
    /// <summary>The suffix of the file that keeps the replaced disk on <c>--fresh</c>.</summary>
    public const string PreviousSuffix = ".previous";

    /// <summary>The suffix of the file that names the pristine image the disk was made from.</summary>
    public const string OriginSuffix = ".origin";

    /// <summary>The persistent disk's path.</summary>
    public string Path => layout.PersistentDisk;

    private string OriginPath => Path + OriginSuffix;

    /// <summary>
    /// Makes sure the persistent disk exists and returns what was done, for the console: on the first run a
    /// copy of the pristine image (or, once, the disk an older tree kept at artifacts/capos.img); with
    /// <paramref name="fresh"/> a new copy, the old disk kept beside it. Throws
    /// <see cref="FileNotFoundException"/> when a copy is needed and the pristine image is missing.
    /// </summary>
    public string Prepare(bool fresh)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        if (File.Exists(Path) && !fresh)
        {
            return Stale() ? $"{Relative(Path)}: the build has made a new {Relative(layout.PristineSystemImage)} since this disk "
                + "was made from an older one; booting the disk's own state (./capos run --fresh starts from the new image)"
                : $"{Relative(Path)}: resuming the persistent disk";
        }
        if (!File.Exists(Path) && !fresh && File.Exists(layout.LegacyPersistentDisk))
        {
            File.Move(layout.LegacyPersistentDisk, Path);
            return $"{Relative(Path)}: adopted the persistent disk an older tree kept at {Relative(layout.LegacyPersistentDisk)}";
        }
        string pristine = layout.PristineSystemImage;
        if (!File.Exists(pristine))
        {
            throw new FileNotFoundException($"{Relative(pristine)} is missing: run ./capos build and read its errors", pristine);
        }
        string kept = "";
        if (File.Exists(Path))
        {
            File.Move(Path, Path + PreviousSuffix, overwrite: true);
            kept = $"; the old disk is kept as {Relative(Path + PreviousSuffix)}";
        }
        string temporary = Path + ".partial";
        File.Copy(pristine, temporary, overwrite: true);
        File.Move(temporary, Path, overwrite: true);
        File.WriteAllText(OriginPath, Digest(pristine) + "\n");
        return $"{Relative(Path)}: a fresh copy of {Relative(pristine)}{kept}";
    }

    /// <summary>True when the disk records an origin and the pristine image now differs from it.</summary>
    public bool Stale()
    {
        if (!File.Exists(OriginPath) || !File.Exists(layout.PristineSystemImage))
        {
            return false;
        }
        return File.ReadAllText(OriginPath).Trim() != Digest(layout.PristineSystemImage);
    }

    private static string Digest(string file)
    {
        using FileStream stream = File.OpenRead(file);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private string Relative(string path) => System.IO.Path.GetRelativePath(layout.Root, path);
}

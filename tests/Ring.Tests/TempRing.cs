using System;
using System.IO;

namespace RingIpc.Tests;

/// <summary>A unique ring or section name that is deleted when disposed, also when the test failed.</summary>
internal sealed class TempName : IDisposable
{
    public TempName(string purpose)
        : this($"test-{purpose}-{Guid.NewGuid():N}", exact: true)
    {
    }

    private TempName(string name, bool exact)
    {
        _ = exact; // only tells this constructor from the public one
        Name = name;
    }

    /// <summary>Exactly this name (a test that selects its rings by a prefix chooses their names).</summary>
    public static TempName Exactly(string name) => new(name, exact: true);

    public string Name { get; }

    /// <summary>The backing file of the section (Linux).</summary>
    public string Path => System.IO.Path.Combine("/dev/shm", "RingIpc." + Name);

    public static implicit operator string(TempName name) => name.Name;

    /// <summary>Writes <paramref name="bytes"/> as the section file, private to this user as RingIpc makes it.</summary>
    public void WriteFile(byte[] bytes)
    {
        File.WriteAllBytes(Path, bytes);
        File.SetUnixFileMode(Path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    /// <summary>Deletes the section and everything beside it under this name — also files a test planted, which
    /// <c>Delete</c> rightly refuses to touch.</summary>
    public void Dispose()
    {
        SharedSection.Delete(Name);
        foreach (string file in Directory.GetFiles(System.IO.Path.GetDirectoryName(Path)!, System.IO.Path.GetFileName(Path) + "*"))
        {
            File.Delete(file);
        }
    }

    public override string ToString() => Name;
}

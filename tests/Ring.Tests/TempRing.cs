using System;
using System.IO;

namespace RingIpc.Tests;

/// <summary>A unique ring or section name that is deleted when disposed, also when the test failed.</summary>
internal sealed class TempName : IDisposable
{
    public TempName(string purpose)
    {
        Name = $"test-{purpose}-{Guid.NewGuid():N}";
    }

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

    public void Dispose()
    {
        SharedSection.Delete(Name);
        File.Delete(Path);
    }

    public override string ToString() => Name;
}

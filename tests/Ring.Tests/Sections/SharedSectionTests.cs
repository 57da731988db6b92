using System;
using System.IO;
using Xunit;

namespace RingIpc.Tests.Sections;

public class SharedSectionTests
{
    [Fact]
    public void Create_then_open_shares_the_same_bytes()
    {
        using var name = new TempName("section");
        using var created = SharedSection.Create(name, 4096);
        using var opened = SharedSection.Open(name);
        created.GetSpan(100, 4).Fill(0xAB);
        Assert.Equal(new byte[] { 0xAB, 0xAB, 0xAB, 0xAB }, opened.GetSpan(100, 4).ToArray());
        Assert.True(created.Created);
        Assert.False(opened.Created);
        Assert.Equal(4096, opened.Length);
    }

    [Fact]
    public void A_new_section_is_zero_filled_and_private_to_its_owner()
    {
        using var name = new TempName("mode");
        using var section = SharedSection.Create(name, 8192);
        Assert.True(section.GetSpan(0, 8192).IndexOfAnyExcept((byte)0) < 0);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(name.Path));
    }

    [Fact]
    public void Group_access_widens_the_mode_to_0660()
    {
        using var name = new TempName("group");
        using var section = SharedSection.Create(name, 4096, SectionAccess.OwnerAndGroup);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite,
            File.GetUnixFileMode(name.Path));
    }

    [Fact]
    public void Create_is_exclusive()
    {
        using var name = new TempName("exclusive");
        using var first = SharedSection.Create(name, 4096);
        var error = Assert.Throws<IOException>(() => SharedSection.Create(name, 4096));
        Assert.Contains("already exists", error.Message);
    }

    [Fact]
    public void Open_of_a_missing_section_says_so()
    {
        using var name = new TempName("missing");
        var error = Assert.Throws<FileNotFoundException>(() => SharedSection.Open(name));
        Assert.Contains(name.Name, error.Message);
    }

    [Fact]
    public void OpenOrCreate_creates_once_then_opens()
    {
        using var name = new TempName("open-or-create");
        using var first = SharedSection.OpenOrCreate(name, 4096);
        using var second = SharedSection.OpenOrCreate(name, 4096);
        Assert.True(first.Created);
        Assert.False(second.Created);
    }

    [Fact]
    public void Delete_removes_the_name_but_not_open_mappings()
    {
        using var name = new TempName("delete");
        using var section = SharedSection.Create(name, 4096);
        section.GetSpan(0, 1)[0] = 7;
        Assert.True(SharedSection.Delete(name));
        Assert.False(File.Exists(name.Path));
        Assert.False(SharedSection.Delete(name));
        Assert.Equal(7, section.GetSpan(0, 1)[0]);
        Assert.Throws<FileNotFoundException>(() => SharedSection.Open(name));
    }

    [Fact]
    public void Delete_also_removes_what_a_creator_that_died_left_behind()
    {
        using var name = new TempName("leftover");
        string dead = $"/dev/shm/.RingIpc.{name.Name}.2147483646.{Guid.NewGuid():N}.tmp"; // no such pid
        string alive = $"/dev/shm/.RingIpc.{name.Name}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        File.WriteAllBytes(dead, new byte[16]);
        File.WriteAllBytes(alive, new byte[16]);
        File.SetLastWriteTimeUtc(dead, DateTime.UtcNow.AddMinutes(-2));
        File.SetLastWriteTimeUtc(alive, DateTime.UtcNow.AddMinutes(-2));
        try
        {
            using (SharedSection.Create(name, 4096))
            {
            }

            Assert.True(SharedSection.Delete(name));
            Assert.False(File.Exists(dead));
            Assert.True(File.Exists(alive)); // its creator may still be initializing it
        }
        finally
        {
            File.Delete(dead);
            File.Delete(alive);
        }
    }

    [Fact]
    public void A_symbolic_link_is_never_followed()
    {
        using var name = new TempName("symlink");
        string target = Path.Combine(Path.GetTempPath(), $"ringipc-target-{Guid.NewGuid():N}");
        File.WriteAllBytes(target, new byte[4096]);
        try
        {
            File.CreateSymbolicLink(name.Path, target);
            var error = Assert.Throws<IOException>(() => SharedSection.Open(name));
            Assert.Contains("symbolic link", error.Message);
            Assert.Throws<IOException>(() => SharedSection.Create(name, 4096));
        }
        finally
        {
            File.Delete(target);
        }
    }

    [Fact]
    public void An_empty_file_is_not_a_section()
    {
        using var name = new TempName("empty");
        name.WriteFile(Array.Empty<byte>());
        Assert.Throws<IOException>(() => SharedSection.Open(name));
    }

    [Theory]
    [InlineData("")]
    [InlineData(".hidden")]
    [InlineData("../etc/passwd")]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("with space")]
    [InlineData("tab\t")]
    [InlineData("ünïcode")]
    public void Invalid_names_are_refused_with_the_rule(string name)
    {
        var error = Assert.Throws<ArgumentException>(() => SharedSection.Create(name, 4096));
        Assert.Contains("1 to 100 characters", error.Message);
        Assert.Throws<ArgumentException>(() => SharedSection.Open(name));
        Assert.Throws<ArgumentException>(() => SharedSection.Delete(name));
    }

    [Fact]
    public void Names_longer_than_100_characters_are_refused()
    {
        Assert.Throws<ArgumentException>(() => SharedSection.Create(new string('a', 101), 4096));
        Assert.Throws<ArgumentNullException>(() => SharedSection.Create(null!, 4096));
    }

    [Fact]
    public void A_name_of_exactly_100_allowed_characters_works()
    {
        using var name = new TempName("x");
        string longName = ("Az0._-" + name.Name + new string('n', 100)).Substring(0, 100);
        try
        {
            using var section = SharedSection.Create(longName, 4096);
            Assert.Equal(longName, section.Name);
        }
        finally
        {
            SharedSection.Delete(longName);
        }
    }

    [Fact]
    public void Lengths_and_ranges_are_checked()
    {
        using var name = new TempName("ranges");
        Assert.Throws<ArgumentOutOfRangeException>(() => SharedSection.Create(name, 0));
        using var section = SharedSection.Create(name, 4096);
        Assert.Throws<ArgumentOutOfRangeException>(() => section.GetSpan(4090, 7));
        Assert.Throws<ArgumentOutOfRangeException>(() => section.GetSpan(-1, 1));
        Assert.Equal(6, section.GetSpan(4090, 6).Length);
    }

    [Fact]
    public void Use_after_dispose_throws()
    {
        using var name = new TempName("disposed");
        var section = SharedSection.Create(name, 4096);
        section.Dispose();
        section.Dispose();
        Assert.Throws<ObjectDisposedException>(() => section.GetSpan(0, 1));
    }
}

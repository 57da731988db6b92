using System;
using System.IO;
using System.Linq;
using Xunit;

namespace RingIpc.Layout.Generator.Tests;

/// <summary>
/// The opt-in C header: pinned text for the acceptance struct, and every sample's header compiled with
/// <c>gcc -m32</c> and <c>gcc -m64</c> (C11, warnings as errors), so its <c>_Static_assert</c>s on
/// <c>sizeof</c> and each <c>offsetof</c> hold under both ABIs. Needs gcc and gcc-multilib.
/// </summary>
public sealed class CHeaderTests
{
    private static string WithHeader(string source) => source
        .Replace("[SharedLayout(", "[SharedLayout(CHeader = true, ", StringComparison.Ordinal)
        .Replace("[SharedLayout]", "[SharedLayout(CHeader = true)]", StringComparison.Ordinal);

    private static string Header(string source, string typeName) =>
        GeneratorHarness.Constant<string>(GeneratorHarness.Load(WithHeader(source)).GetType(typeName, throwOnError: true)!, "CHeader");

    [Fact]
    public void Header_has_explicit_padding_and_static_asserts()
    {
        string header = Header(Samples.Acceptance, "Samples.Acceptance");
        string expectedBody = """
            typedef struct Samples_Acceptance {
                int32_t A; /* offset 0 */
                uint8_t _pad4[4];
                int64_t B; /* offset 8 */
                double C; /* offset 16 */
                uint8_t D; /* offset 24 */
                uint8_t _pad25[7];
            } Samples_Acceptance;
            _Static_assert(sizeof(Samples_Acceptance) == 32, "Samples_Acceptance: size differs from the C# layout");
            _Static_assert(offsetof(Samples_Acceptance, A) == 0, "Samples_Acceptance.A: offset differs from the C# layout");
            _Static_assert(offsetof(Samples_Acceptance, B) == 8, "Samples_Acceptance.B: offset differs from the C# layout");
            """;
        Assert.Contains(expectedBody.ReplaceLineEndings("\n"), header, StringComparison.Ordinal);
        Assert.Contains("#define SAMPLES_ACCEPTANCE_SIZE 32\n", header, StringComparison.Ordinal);
        Assert.Contains("#define SAMPLES_ACCEPTANCE_FINGERPRINT UINT64_C(0x", header, StringComparison.Ordinal);
        Assert.Contains("#include <stdint.h>", header, StringComparison.Ordinal);
    }

    [Fact]
    public void No_CHeader_constant_unless_asked()
    {
        Type type = GeneratorHarness.Load(Samples.Acceptance).GetType("Samples.Acceptance")!;
        Assert.Null(type.GetField("CHeader"));
    }

    [Theory]
    [InlineData("-m32")]
    [InlineData("-m64")]
    public void Headers_compile_and_their_static_asserts_hold(string bitness)
    {
        string directory = Directory.CreateTempSubdirectory("ringipc-cheader-").FullName;
        try
        {
            RequireCompiler(directory, bitness);
            (string Source, string Type)[] samples =
            [
                (Samples.Acceptance, "Samples.Acceptance"), (Samples.Enums, "Samples.Enums"), (Samples.Nested, "Samples.Outer"),
                (Samples.Nested, "Samples.Inner"), (Samples.Named, "Samples.Named"), (Samples.Pinned, "Samples.Pinned"),
            ];
            string includes = "";
            foreach ((string source, string type) in samples)
            {
                string file = type.Replace('.', '_') + ".h";
                File.WriteAllText(Path.Combine(directory, file), Header(source, type));
                includes += $"#include \"{file}\"\n";
            }
            // Outer.h already defines Samples_Inner: the include guards must let Inner.h follow it.
            string program = includes + """
                #include <stdio.h>
                int main(void)
                {
                    printf("%u %u %u %u\n", (unsigned)sizeof(Samples_Acceptance), (unsigned)offsetof(Samples_Acceptance, B),
                           (unsigned)sizeof(Samples_Named), (unsigned)offsetof(Samples_Outer, Seq));
                    return 0;
                }
                """;
            File.WriteAllText(Path.Combine(directory, "main.c"), program);
            (int exit, string output) = ProcessRunner.Run(directory, "gcc", $"-std=c11 -Wall -Wextra -Wpedantic -Werror {bitness} -o main main.c");
            Assert.True(exit == 0, $"gcc {bitness} rejected the generated headers:\n{output}");
            (exit, output) = bitness == "-m32" && !CanExecuteI386(directory)
                ? ProcessRunner.Run(directory, "qemu-i386", Path.Combine(directory, "main")) // eng/install-mono32.sh installs it there
                : ProcessRunner.Run(directory, Path.Combine(directory, "main"), "");
            Assert.Equal((0, "32 8 72 8"), (exit, output.Trim()));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Whether this kernel executes i386 programs (some CI kernels have ia32 emulation off: "Exec format
    /// error"); where it does not, the 32-bit program runs under qemu-i386, as the 32-bit Mono does.</summary>
    private static bool CanExecuteI386(string directory)
    {
        try
        {
            return ProcessRunner.Run(directory, Path.Combine(directory, "probe"), "").Exit == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    /// <summary>Fails with the fix when gcc (or, for -m32, gcc-multilib) is missing.</summary>
    private static void RequireCompiler(string directory, string bitness)
    {
        File.WriteAllText(Path.Combine(directory, "probe.c"), "#include <stdint.h>\n#include <stdio.h>\nint main(void) { return 0; }\n");
        (int exit, string output) probe;
        try
        {
            probe = ProcessRunner.Run(directory, "gcc", $"{bitness} -o probe probe.c");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            probe = (-1, "gcc not found");
        }
        Assert.True(probe.exit == 0,
            $"gcc {bitness} cannot build a C program here, so the generated C header cannot be checked. " +
            $"Install the compiler: apt-get install gcc gcc-multilib (gcc-multilib provides the 32-bit headers and libraries for -m32).\n{probe.output}");
    }
}

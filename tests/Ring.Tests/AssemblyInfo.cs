// These tests inspect the Unix section files (/dev/shm) and run on Linux.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

// The Bicep CLI from NuGet here is the linux-x64 build; these tests run where it does.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

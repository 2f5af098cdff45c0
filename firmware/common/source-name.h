/*
 * Included into every source file by the Makefile (gcc -include). For
 * assembly sources it names the object file after its source: without a
 * .file directive the linker names such an object after gcc's temporary
 * file (/tmp/ccXXXXXX.o), and the images would differ from build to build.
 * C sources get their .file from the compiler.
 */
#ifdef __ASSEMBLER__
  .file __BASE_FILE__
#endif

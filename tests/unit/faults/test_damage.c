/*
 * test_damage.c - damage_apply (harness/faults/damage.c) on real files: a
 * fault that cannot be planted says why, with the errno of the call that
 * failed (a directory lock, as proper-lockfile's, cannot be rewritten in
 * place; the message once read "Success").
 */
#include <check.h>

#include "faults/damage.h"
#include "lib/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "unit.h"

static char dir[64];

static void setup(void)
{
	strcpy(dir, "/tmp/lockchaos-test-damage-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
	char *lock = xasprintf("%s/s1.jsonl.lock", dir);

	rmdir(lock);
	unlink(lock);
	rmdir(dir);
	free(lock);
}

/* `damage s1 exact owner=A createdAt=-100ms` (an in-place rewrite) where
 * the lock is a directory: refused, and the message names the directory,
 * not errno 0. */
START_TEST(test_in_place_on_directory)
{
	uint64_t prng = 1;
	struct damage_ctx d = {.dir = dir, .scratch = dir, .prng = &prng};
	struct damage_owner owner = {.pid = getpid(), .starttime = -1};
	struct damage_fields f = {.created = "-100ms", .in_place = 1};
	char *lock = xasprintf("%s/s1.jsonl.lock", dir), *err = NULL;
	jv extra = jv_object();
	int rc;

	ck_assert_int_eq(mkdir(lock, 0755), 0);
	rc = damage_apply(&d, "s1", "exact", &owner, 0, &f, &extra, &err);
	ck_assert_int_eq(rc, -1);
	ck_assert_ptr_nonnull(err);
	ck_assert_msg(strstr(err, "is a directory"), "message: %s", err);
	ck_assert_msg(!strstr(err, "Success"), "message: %s", err);
	ck_assert_msg(strstr(err, lock), "message: %s", err);
	free(err);
	free(lock);
	jv_free(extra);
}
END_TEST

/* The same rewrite on a regular file takes, and keeps the inode. */
START_TEST(test_in_place_on_file)
{
	uint64_t prng = 1;
	struct damage_ctx d = {.dir = dir, .scratch = dir, .prng = &prng};
	struct damage_owner owner = {.pid = getpid(), .starttime = -1};
	struct damage_fields f = {.created = "-100ms", .in_place = 1};
	char *lock = xasprintf("%s/s1.jsonl.lock", dir), *err = NULL;
	jv extra = jv_object();
	struct stat before, after;
	FILE *fp = fopen(lock, "w");

	ck_assert_ptr_nonnull(fp);
	fputs("{}", fp);
	fclose(fp);
	ck_assert_int_eq(stat(lock, &before), 0);
	ck_assert_int_eq(
	    damage_apply(&d, "s1", "exact", &owner, 0, &f, &extra, &err), 0);
	ck_assert_ptr_null(err);
	ck_assert_int_eq(stat(lock, &after), 0);
	ck_assert_uint_eq(before.st_ino, after.st_ino);
	ck_assert_int_gt(after.st_size, 2);
	free(lock);
	jv_free(extra);
}
END_TEST

static Suite *damage_suite(void)
{
	Suite *s = suite_create("damage");
	TCase *tc = unit_tcase(s, "plant", 10, setup, teardown);

	tcase_add_test(tc, test_in_place_on_directory);
	tcase_add_test(tc, test_in_place_on_file);
	return s;
}

int main(void)
{
	return unit_main(damage_suite());
}

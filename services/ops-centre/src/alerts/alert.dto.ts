import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

export class AssignAlertDto {
  @ApiProperty({ example: 'officer-7' }) @IsString() @IsNotEmpty() @MaxLength(200) assignee!: string;
}

export class CommentAlertDto {
  @ApiProperty({ example: 'Called the field office; confirmed.' }) @IsString() @IsNotEmpty() @MaxLength(4000) body!: string;
}

export class CloseAlertDto {
  @ApiPropertyOptional({ example: 'Mediation opened' }) @IsOptional() @IsString() @MaxLength(1000) reason?: string;
}
